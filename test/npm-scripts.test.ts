import { CHART_VERSION } from '../src/synth';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/processes';
import { scratchFolder } from './support/scratch';

/*
 * Every npm script a user runs works under npm on Windows, where cmd.exe, not sh, runs it: each is a
 * plain `node ...` command line. Shown by running them through npm with a stand-in shell that runs
 * exactly that and refuses any POSIX shell construct (test/support/node-only-shell.js).
 */
const SHELL = join(ROOT, 'test', 'support', 'node-only-shell.js');
const { scripts } = require('../package.json') as { scripts: Record<string, string> };
/** The tiers README calls Linux-only (bash runners, root, Go, Python): the only scripts that may need a shell. */
const LINUX_ONLY = ['test:cluster', 'test:fresh-clone', 'test:node', 'test:peers'];
const USER_SCRIPTS = Object.keys(scripts).filter((name) => !LINUX_ONLY.includes(name));

function npmRun(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync('npm', ['run', '--silent', `--script-shell=${SHELL}`, name, ...(args.length > 0 ? ['--', ...args] : [])], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function shell(line: string, script = line) {
  return spawnSync(process.execPath, [SHELL, '-c', line], { encoding: 'utf8', env: { ...process.env, npm_lifecycle_script: script, TODO_CHATBOT_SHELL_CHECK_ONLY: '1' } });
}

describe('npm scripts run without a POSIX shell (as under npm on Windows)', () => {
  const scratch = scratchFolder('npm-scripts');

  it("covers every script a user runs: the Windows issue's list, and nothing else is left out", () => {
    expect(USER_SCRIPTS.sort()).toEqual(['bench', 'compile', 'docs', 'import', 'prepare', 'release', 'smoke', 'synth', 'test', 'validate']);
  });

  it.each(USER_SCRIPTS)('npm run %s is a plain node command line', (name) => {
    const result = npmRun(name, [], { TODO_CHATBOT_SHELL_CHECK_ONLY: '1' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^node-only shell: would run \["node",/);
  });

  it("the stand-in refuses what needs a shell: sh, bash, $(...), &&, pipes, a .sh file, a bare command that is not node", () => {
    for (const line of ['sh scripts/synth.sh', 'bash test/node/run.sh', 'node $(echo main.ts)', 'node a.js && node b.js', 'node a.js | tee log', 'node scripts/run.sh', 'jest', 'node "main.ts"', 'node a.js > out']) {
      expect({ line, status: shell(line).status }).toEqual({ line, status: 127 });
    }
    expect(shell('node scripts/synth.js').status).toBe(0);
    // Arguments npm appends after -- are quoted by npm, not by the script, and read as words.
    expect(shell("node scripts/synth.js --out '/tmp/a b' -f 'it'\\''s.yaml'", 'node scripts/synth.js').stdout).toBe(
      'node-only shell: would run ["node","scripts/synth.js","--out","/tmp/a b","-f","it\'s.yaml"]\n',
    );
  });

  it('npm run synth, then npm run validate of what it wrote, into a folder whose path has spaces and non-ASCII letters', () => {
    const out = join(scratch, 'Jürgen Müller', 'todo chatbot');
    const synth = npmRun('synth', ['--out', join(out, 'dist'), '--charts', join(out, 'charts')]);
    expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readdirSync(join(out, 'dist')).sort()).toEqual(['00-namespace.yaml', '20-todo-chatbot.yaml', `todo-chatbot-${CHART_VERSION}.tgz`]);
    const validate = npmRun('validate', [join(out, 'dist')]);
    expect({ status: validate.status, stderr: validate.stderr }).toEqual({ status: 0, stderr: '' });
    expect(validate.stdout).toMatch(/objects checked: all valid/);
  });

  it('npm run smoke -- --helm --dry-run prints the whole flow', () => {
    const smoke = npmRun('smoke', ['--helm', '--dry-run']);
    expect({ status: smoke.status, stderr: smoke.stderr }).toEqual({ status: 0, stderr: '' });
    expect(smoke.stdout).toContain('+ helm test todo-chatbot -n todo-chatbot');
  });

  it('npm run compile and npm run prepare (npm install runs it) compile the synth', () => {
    for (const name of ['compile', 'prepare']) {
      const cache = join(scratch, `compiled-${name}`);
      const compile = npmRun(name, [], { TODO_CHATBOT_SYNTH_CACHE: cache });
      expect({ name, status: compile.status, stderr: compile.stderr }).toEqual({ name, status: 0, stderr: '' });
      expect(readdirSync(cache)).toEqual([expect.stringMatching(/^synth-v.+\.blob$/)]);
    }
  });

  it('npm run docs finds the docs current, and npm test starts jest (listing the tests, so as not to run them twice)', () => {
    const docs = npmRun('docs', []);
    expect({ status: docs.status, stderr: docs.stderr, stdout: docs.stdout.replace(/current: \S+\n/g, '') }).toEqual({ status: 0, stderr: '', stdout: '' });
    const test = npmRun('test', ['--listTests']);
    expect(test.status).toBe(0);
    expect(test.stdout).toContain(join(ROOT, 'test', 'npm-scripts.test.ts'));
  });
});
