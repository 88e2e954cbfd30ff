import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/processes';
import { scratchFolder } from './support/scratch';

/*
 * `npm run smoke` (scripts/smoke.ts) without a cluster: its whole flow as --dry-run prints it, and the
 * refusals of its command line. The control plane tier runs it against a real API server and the node
 * tier with real pods (test/cluster/smoke.cluster.test.ts, test/node/smoke.node.test.ts).
 */
function smoke(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['-r', join(ROOT, 'scripts', 'register.js'), join(ROOT, 'scripts', 'smoke.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: ROOT, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, commands: result.stdout.split('\n').filter((line) => line.startsWith('+ ')) };
}

const DIST = join(ROOT, 'dist');
/** A path as the smoke test prints it: in single quotes when it has a space (a clone in a Windows user folder). */
const shown = (path: string) => (/\s/.test(path) ? `'${path}'` : path);
const { version } = require('../package.json') as { version: string };
/** The chart npm run synth wrote, or the pattern the smoke test looks for when there is none yet. */
const CHART = existsSync(join(DIST, `todo-chatbot-${version}.tgz`)) ? join(DIST, `todo-chatbot-${version}.tgz`) : join(DIST, 'todo-chatbot-*.tgz');

describe('npm run smoke (checked here without a cluster)', () => {
  it('prints the whole Helm flow with --dry-run: tools, cluster, namespace, Secret, install, rollout, endpoints, helm test', () => {
    const result = smoke(['--helm', '--dry-run', '--release', 'demo', '--namespace', 'chat']);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.commands).toEqual([
      '+ kubectl version --client',
      '+ helm version --short',
      '+ kubectl cluster-info',
      '+ kubectl get namespace chat',
      '+ kubectl create namespace chat   (only when it is missing)',
      '+ kubectl label namespace chat pod-security.kubernetes.io/enforce=restricted --overwrite',
      '+ kubectl get secret demo-secrets -n chat',
      `+ helm upgrade --install demo ${shown(CHART)} -n chat --wait --timeout 180s`,
      '+ kubectl rollout status deployment/demo-backend -n chat --timeout=180s',
      '+ kubectl rollout status deployment/demo-frontend -n chat --timeout=180s',
      '+ kubectl port-forward service/demo-backend :8000 -n chat &',
      '+ GET http://127.0.0.1:<the port kubectl picked>/health',
      '+ kubectl port-forward service/demo-frontend :80 -n chat &',
      '+ GET http://127.0.0.1:<the port kubectl picked>/',
      '+ helm test demo -n chat',
    ]);
    expect(result.stdout).toContain('dry run: nothing was run; the commands above are the whole flow');
  });

  it('prints the raw flow with --dry-run: namespace first, then the Secret check, then everything; no helm', () => {
    const result = smoke(['--raw', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.commands.filter((line) => /kubectl (apply|get secret)/.test(line))).toEqual([
      `+ kubectl apply -f ${shown(join(DIST, '00-namespace.yaml'))}`,
      '+ kubectl get secret todo-chatbot-secrets -n todo-chatbot',
      `+ kubectl apply -f ${shown(DIST)}`,
    ]);
    expect(result.stdout).not.toContain('helm');
  });

  it('--skip-http leaves out only the port-forwards and GETs (the control plane tier runs it so)', () => {
    const full = smoke(['--helm', '--dry-run']).commands;
    const skipped = smoke(['--helm', '--dry-run', '--skip-http']);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toContain('skipped: the HTTP checks (--skip-http)');
    expect(skipped.commands).toEqual(full.filter((line) => !/port-forward|GET/.test(line)));
    expect(skipped.commands.length).toBe(full.length - 4);
  });

  it("--values hands each values file to helm, in order; relative paths and --dist are the caller's (npm passes its folder as INIT_CWD)", () => {
    const caller = scratchFolder('caller');
    const result = smoke(['--helm', '--dry-run', '--values', 'a.yaml', '--values=b c.yaml', '--dist', 'out'], { INIT_CWD: caller });
    expect(result.commands).toContainEqual(
      `+ helm upgrade --install todo-chatbot ${join(caller, 'out', 'todo-chatbot-*.tgz')} -n todo-chatbot -f ${join(caller, 'a.yaml')} -f '${join(caller, 'b c.yaml')}' --wait --timeout 180s`,
    );
  });

  it.each([
    [[], 'choose --raw or --helm'],
    [['--raw', '--helm'], 'choose one of --raw and --helm, not both'],
    [['--raw', '--set', 'x'], 'unknown option --set'],
    [['--raw', '--timeout'], '--timeout needs a value'],
    [['--raw', '--release='], '--release needs a value'],
    [['--raw', '--timeout', '3 minutes'], '--timeout must be a duration such as 90s, 5m or 1h30m, not 3 minutes'],
    [['--raw', '--namespace', 'a', '--namespace', 'b'], '--namespace is given twice, as a and b'],
    [['--raw', '--values', 'v.yaml'], '--values goes with --helm; for --raw, give the values file to npm run synth -- -f FILE'],
    [['--dry-run=yes', '--raw'], '--dry-run takes no value'],
  ])('refuses %j with one line naming the option, then the usage, exit 2', (args, message) => {
    const result = smoke(args);
    expect({ status: result.status, stdout: result.stdout, first: result.stderr.split('\n')[0] }).toEqual({ status: 2, stdout: '', first: `error: ${message}` });
    expect(result.stderr).toContain('Usage: npm run smoke --');
  });

  it('--help prints the usage and exits 0', () => {
    expect(smoke(['--help'])).toMatchObject({ status: 0, stderr: '', stdout: expect.stringContaining('Usage: npm run smoke --') });
  });

  it('stops in one line, exit 1, when kubectl is not on PATH (it runs kubectl itself, through no shell)', () => {
    const empty = scratchFolder('path');
    const result = smoke(['--raw'], { PATH: empty });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: 'error: kubectl is not installed (not found on PATH)\n' });
  });
});
