import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT_PATH = 'scripts/minikube-smoke.sh';
const SCRIPT = join(__dirname, '..', SCRIPT_PATH);
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe('scripts/minikube-smoke.sh (checked here without a cluster)', () => {
  it('is valid bash', () => {
    expect(spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  // CI installs shellcheck (.ci/run); elsewhere the test says it was skipped rather than pass silently.
  (hasShellcheck || process.env.CI ? it : it.skip)('passes shellcheck', () => {
    const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect({ status: result.status, output: result.stdout }).toEqual({ status: 0, output: '' });
  });

  (hasShellcheck || process.env.CI ? it : it.skip)("every other shell script (the tiers', .ci/run) passes bash -n and shellcheck too", () => {
    const tracked = spawnSync('git', ['ls-files', '*.sh'], { cwd: join(__dirname, '..'), encoding: 'utf8' }).stdout.trim().split('\n');
    const scripts = [...tracked.filter((script) => script !== SCRIPT_PATH), '.ci/run'].map((script) => join(__dirname, '..', script));
    expect(scripts.length).toBeGreaterThan(8);
    for (const script of scripts) expect(spawnSync('bash', ['-n', script], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    // -x: follow the scripts they source (test/support/cache.sh)
    const result = spawnSync('shellcheck', ['-x', ...scripts], { encoding: 'utf8' });
    expect({ status: result.status, output: result.stdout }).toEqual({ status: 0, output: '' });
  });

  it('prints the whole Helm flow with --dry-run: tools, namespace, Secret, install, rollout, endpoints, helm test', () => {
    const result = spawnSync('bash', [SCRIPT, '--helm', '--dry-run', '--release', 'demo', '--namespace', 'chat'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const commands = result.stdout.split('\n').filter((line) => line.startsWith('+ '));
    expect(commands).toEqual([
      '+ command -v kubectl',
      '+ command -v curl',
      '+ command -v helm',
      '+ kubectl get namespace chat || kubectl create namespace chat',
      '+ kubectl label namespace chat pod-security.kubernetes.io/enforce=restricted --overwrite',
      '+ kubectl get secret demo-secrets -n chat',
      expect.stringMatching(/^\+ helm upgrade --install demo .*\/dist\/todo-chatbot-.*\.tgz -n chat --wait --timeout 180s$/),
      '+ kubectl rollout status deployment/demo-backend -n chat --timeout=180s',
      '+ kubectl rollout status deployment/demo-frontend -n chat --timeout=180s',
      '+ kubectl port-forward service/demo-backend 18000:8000 -n chat &',
      '+ curl -fsS --max-time 10 http://127.0.0.1:18000/health',
      '+ kubectl port-forward service/demo-frontend 18080:80 -n chat &',
      '+ curl -fsS --max-time 10 http://127.0.0.1:18080/',
      '+ helm test demo -n chat',
    ]);
  });

  it('prints the raw flow with --dry-run: namespace first, then the Secret check, then everything', () => {
    const result = spawnSync('bash', [SCRIPT, '--raw', '--dry-run'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const commands = result.stdout.split('\n').filter((line) => line.startsWith('+ kubectl apply') || line.startsWith('+ kubectl get secret'));
    expect(commands.map((line) => line.replace(/\/\S*\/dist/, 'dist'))).toEqual([
      '+ kubectl apply -f dist/00-namespace.yaml',
      '+ kubectl get secret todo-chatbot-secrets -n todo-chatbot',
      '+ kubectl apply -f dist/',
    ]);
    expect(result.stdout).not.toContain('helm');
  });

  it('--skip-http leaves out only the port-forwards and curls (the control plane tier runs it so)', () => {
    const full = spawnSync('bash', [SCRIPT, '--helm', '--dry-run'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.startsWith('+ '));
    const skipped = spawnSync('bash', [SCRIPT, '--helm', '--dry-run', '--skip-http'], { encoding: 'utf8' });
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toContain('skipped: the HTTP checks (--skip-http)');
    const commands = skipped.stdout.split('\n').filter((line) => line.startsWith('+ '));
    expect(commands).toEqual(full.filter((line) => !/port-forward|curl/.test(line)));
  });

  it('--values hands each values file to helm upgrade --install, in order (the node tier points helm test at its image so)', () => {
    const result = spawnSync('bash', [SCRIPT, '--helm', '--dry-run', '--values', 'a.yaml', '--values', 'b c.yaml'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\+ helm upgrade --install todo-chatbot \S+\.tgz -n todo-chatbot -f a\.yaml -f b c\.yaml --wait --timeout 180s$/m);
  });

  it('refuses to run without a mode', () => {
    const result = spawnSync('bash', [SCRIPT], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error: choose --raw or --helm');
  });
});
