import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compiledSynthPath, fingerprint } from '../scripts/compiled-synth';
import { runCli } from '../src/cli';
import { fileTree, relativeTree } from './support/files';
import { ROOT } from './support/processes';
import { scratchFolder } from './support/scratch';

/*
 * `npm run synth` starts node from a compiled synth (a V8 startup snapshot, scripts/compile.ts) when
 * one is current, else runs the TypeScript sources. These tests compile a copy of the project whose
 * source runner says so on stderr, so which of the two ran is visible.
 */
const FROM_SOURCES = 'running the TypeScript sources';

function copyOfProject(): string {
  const copy = scratchFolder('project');
  for (const entry of ['main.ts', 'package.json', 'scripts', 'src']) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // Said when the synth's own sources are loaded through the TypeScript hook (the launcher loads the hook either way).
  appendFileSync(
    join(copy, 'scripts', 'register.js'),
    `\nconst loadTs = require.extensions['.ts'];\nrequire.extensions['.ts'] = (module, filename) => {\n  if (filename === ${JSON.stringify(join(copy, 'src', 'cli.ts'))}) process.stderr.write('${FROM_SOURCES}\\n');\n  loadTs(module, filename);\n};\n`,
  );
  return copy;
}

describe('the compiled synth', () => {
  const project = copyOfProject();
  const cache = scratchFolder('compiled');
  const env = { ...process.env, TODO_CHATBOT_SYNTH_CACHE: cache };
  const compiled = spawnSync(process.execPath, ['-r', join(project, 'scripts', 'register.js'), join(project, 'scripts', 'compile.ts')], { cwd: project, encoding: 'utf8', env });

  const outputFolder = () => scratchFolder('out');
  const outcome = (out: string, status: number | null, stdout: string, stderr: string) => ({
    status,
    stdout: stdout.replaceAll(out, '<out>'),
    stderr: stderr.replaceAll(out, '<out>'),
    files: status === 0 ? relativeTree(fileTree(out), out) : {},
  });

  /** The synth as `npm run synth` runs it in the copy, into a folder of its own. */
  const synth = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const out = outputFolder();
    const run = spawnSync(process.execPath, [join(project, 'scripts', 'synth.js'), '--out', join(out, 'dist'), '--charts', join(out, 'charts'), ...args], { cwd: out, encoding: 'utf8', env: { ...env, ...extraEnv } });
    return outcome(out, run.status, run.stdout, run.stderr);
  };

  /** The sources' synth, run in this process. */
  const synthFromSources = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const out = outputFolder();
    let [stdout, stderr] = ['', ''];
    const status = await runCli(['--out', join(out, 'dist'), '--charts', join(out, 'charts'), ...args], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: extraEnv, projectRoot: ROOT });
    return outcome(out, status, stdout, stderr);
  };

  it('is built by npm run compile for this node and machine', () => {
    // npm run compile bundles the synth's sources without running them: nothing on stderr.
    expect({ status: compiled.status, stderr: compiled.stderr }).toEqual({ status: 0, stderr: '' });
    expect(compiled.stdout).toContain(relative(project, compiledSynthPath(project, env)));
    expect(readdirSync(cache)).toEqual([compiledSynthPath(project, env).split('/').pop()]);
  });

  const values = join(scratchFolder('values'), 'values.yaml');
  writeFileSync(values, 'backend:\n  replicas: 3\nnetworkPolicy:\n  enabled: true\nfrontend:\n  ingress:\n    enabled: true\n    host: todo.example.com\n');
  const secrets = { DATABASE_URL: 'postgres://u:p@h/db', OPENAI_API_KEY: 'sk-x', BETTER_AUTH_SECRET: 'y' };
  const secretFile = join(scratchFolder('values'), 'secret.yaml');
  writeFileSync(secretFile, 'secret:\n  create: true\n');
  const badFile = join(scratchFolder('values'), 'bad.yaml');
  writeFileSync(badFile, 'backend:\n  replicas: two\n');

  it.each([
    ['the defaults', [], {}],
    ['the cloud profile with a values file', ['--profile', 'cloud', '-f', values], {}],
    ['another release and namespace', ['--release-name', 'staging', '--namespace', 'chatbot-staging'], {}],
    ['a Secret from the environment', ['-f', secretFile], secrets],
    ['a wrong type', ['-f', badFile], {}],
    ['an unknown option', ['--set', 'x'], {}],
    ['a keyring that is not one', ['--sign', '--key', 'x', '--keyring', badFile], {}],
    ['help', ['--help'], {}],
  ] as [string, string[], NodeJS.ProcessEnv][])('writes and says byte for byte what the sources do, without running them: %s', async (_case, args, extraEnv) => {
    expect(synth(args, extraEnv)).toEqual(await synthFromSources(args, extraEnv));
  });

  it('is not used where there is none for this node: the launcher runs the sources', async () => {
    const run = synth(['--help'], { TODO_CHATBOT_SYNTH_CACHE: scratchFolder('empty') });
    expect(run).toMatchObject({ status: 0, stderr: `${FROM_SOURCES}\n` });
    expect(run.stdout).toBe((await synthFromSources(['--help'])).stdout);
  });

  it('runs the sources as soon as one it was compiled from changes, and the compiled code again when it is back', () => {
    const cli = join(project, 'src', 'cli.ts');
    const original = readFileSync(cli, 'utf8');
    writeFileSync(cli, original.replace('Usage: npm run synth', 'Usage (changed): npm run synth'));
    const changed = synth(['--help']);
    writeFileSync(cli, original);
    const back = synth(['--help']);
    expect(changed.stderr).toBe(`${FROM_SOURCES}\n`);
    expect(changed.stdout).toContain('Usage (changed): npm run synth');
    expect(back).toMatchObject({ status: 0, stderr: '' });
    expect(back.stdout).toContain('Usage: npm run synth');
  });

  it('never fails an install: prepare says in one line that it could not compile and exits 0; npm run compile exits 1', () => {
    const unwritable = { ...process.env, TODO_CHATBOT_SYNTH_CACHE: '/dev/null/compiled' };
    const compile = (args: string[]) => spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/compile.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: unwritable });
    const prepare = compile(['--optional']);
    expect({ status: prepare.status, stdout: prepare.stdout }).toEqual({
      status: 0,
      stdout: "compile: not compiled (ENOTDIR: not a directory, mkdir '/dev/null/compiled'); npm run synth runs the TypeScript sources\n",
    });
    expect(compile([]).status).toBe(1);
  });

  it('fingerprints the paths and contents of its sources, a missing file included', () => {
    const dir = scratchFolder('fingerprint');
    writeFileSync(join(dir, 'a.ts'), 'a');
    const first = fingerprint(dir, ['a.ts', 'b.ts']);
    expect(fingerprint(dir, ['a.ts', 'b.ts'])).toBe(first);
    writeFileSync(join(dir, 'b.ts'), '');
    expect(fingerprint(dir, ['a.ts', 'b.ts'])).not.toBe(first);
    expect(fingerprint(dir, ['b.ts', 'a.ts'])).not.toBe(fingerprint(dir, ['a.ts', 'b.ts']));
  });
});
