import { CHART_VERSION } from '../src/synth';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { runCli } from '../src/cli';
import { fileTree, relativeTree } from './support/files';
import { SYNTH_SCRIPT } from './support/processes';
import { scratchFolder } from './support/scratch';

const ROOT = join(__dirname, '..');

function workspace(): { dir: string; out: string; charts: string; args: string[] } {
  const dir = scratchFolder('cli');
  const out = join(dir, 'dist');
  const charts = join(dir, 'charts');
  return { dir, out, charts, args: ['--out', out, '--charts', charts] };
}


async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, projectRoot = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, projectRoot });
  return { code, stdout, stderr };
}

const SECRETS = { DATABASE_URL: 'postgresql://neon-user:Sup3rS3cret@ep-x.neon.tech/todo', OPENAI_API_KEY: 'sk-proj-TESTKEY1234567890', BETTER_AUTH_SECRET: 'better-auth-signing-secret-42' };

describe('npm run synth (the real process)', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [SYNTH_SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

  it('writes dist/ and charts/ and exits 0', () => {
    const { out, charts, args } = workspace();
    const result = run(args);
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['00-namespace.yaml', '20-todo-chatbot.yaml', `todo-chatbot-${CHART_VERSION}.tgz`]);
    expect(readdirSync(join(charts, 'todo-chatbot')).sort()).toEqual(['.helmignore', 'Chart.yaml', 'README.md', 'ci', 'templates', 'values.schema.json', 'values.yaml']);
  });

  it('refuses a values file with a wrong type in one clear line, exit 1, no stack trace, dist/ untouched', () => {
    const { dir, out, args } = workspace();
    expect(run(args).status).toBe(0);
    const before = fileTree(dir);
    writeFileSync(join(dir, 'bad.yaml'), 'backend:\n  replicas: two\n');
    const result = run([...args, '--values', join(dir, 'bad.yaml')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: backend.replicas: expected an integer from 0 to 100, got "two"\n');
    expect(fileTree(dir)).toEqual({ ...before, [join(dir, 'bad.yaml')]: expect.any(String) });
    expect(readdirSync(out)).toContain('20-todo-chatbot.yaml');
  });

  it('prints nothing on stderr for values the YAML library warns about, and one line for a refusal (no library warning after it)', () => {
    const { dir, args } = workspace();
    // `{{ .Values }}` reads as a mapping key with a mapping in it, a local tag cannot be resolved,
    // `!!float 1` is a whole number: each made the library print a warning of its own.
    writeFileSync(join(dir, 'quiet.yaml'), 'config:\n  corsOrigins: "{{ .Values }}"\n  extra:\n    MINE: !mine text\nbackend:\n  replicas: !!float 2\n');
    const quiet = run([...args, '-f', join(dir, 'quiet.yaml')]);
    expect({ status: quiet.status, stderr: quiet.stderr }).toEqual({ status: 0, stderr: '' });
    writeFileSync(join(dir, 'loud.yaml'), 'config:\n  corsOrigins: "{{ .Values }}"\nbackend:\n  replicas: !!int two\n');
    const refused = run([...args, '-f', join(dir, 'loud.yaml')]);
    expect({ status: refused.status, lines: refused.stderr.trimEnd().split('\n').length }).toEqual({ status: 1, lines: 1 });
  });

  it('creates the Secret from the environment only, alone in a 0600 file, and never leaks it anywhere else', () => {
    const { dir, out, charts, args } = workspace();
    writeFileSync(join(dir, 'secret.yaml'), 'secret:\n  create: true\n');
    const result = run([...args, '-f', join(dir, 'secret.yaml')], SECRETS);
    expect(result.status).toBe(0);
    expect(statSync(join(out, '10-secret.yaml')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, '10-secret.yaml'), 'utf8')).toContain(Buffer.from(SECRETS.OPENAI_API_KEY).toString('base64'));
    const forms = Object.values(SECRETS).flatMap((value) => [value, Buffer.from(value).toString('base64')]);
    const everywhere: Record<string, string> = {
      stdout: result.stdout,
      stderr: result.stderr,
      ...Object.fromEntries(Object.entries(fileTree(out)).filter(([path]) => !path.endsWith('10-secret.yaml'))),
      ...fileTree(charts),
      ...fileTree(join(ROOT, '__snapshots__')),
      tgz: gunzipSync(readFileSync(join(out, `todo-chatbot-${CHART_VERSION}.tgz`))).toString('latin1'),
    };
    for (const [where, content] of Object.entries(everywhere)) {
      const text = where === 'stdout' || where === 'stderr' || where === 'tgz' ? content : Buffer.from(content, 'base64').toString('utf8');
      expect({ where, leaked: forms.filter((form) => text.includes(form)) }).toEqual({ where, leaked: [] });
    }
  });

  it("resolves every relative path from the caller's folder (npm passes it as INIT_CWD), and the Wrote line names the files from there", () => {
    const { dir: caller } = workspace();
    writeFileSync(join(caller, 'mine.yaml'), 'backend:\n  replicas: 3\n');
    const result = run(['--out', 'out', '--charts', join('..', basename(caller), 'chart-src'), '-f', 'mine.yaml'], { INIT_CWD: caller });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(join(caller, 'out', '20-todo-chatbot.yaml'), 'utf8')).toMatch(/name: todo-chatbot-backend\n[\s\S]*?replicas: 3\n/);
    expect(readdirSync(join(caller, 'chart-src', 'todo-chatbot'))).toContain('Chart.yaml');
    const named = /^Wrote (.*) and (.*)\/\n$/.exec(result.stdout)!;
    const paths = [...named[1].split(', '), named[2]];
    expect(paths[0]).toBe(join('out', '00-namespace.yaml'));
    for (const path of paths) expect({ path, exists: existsSync(resolve(caller, path)) }).toEqual({ path, exists: true });
  });

  it("writes to the project's dist/ and charts/ by default, wherever it is called from, and names them from the caller's folder", async () => {
    const { dir: project } = workspace();
    const caller = join(project, 'docs');
    mkdirSync(caller);
    const result = await cli([], { INIT_CWD: caller }, project);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`Wrote ${['00-namespace.yaml', '20-todo-chatbot.yaml', `todo-chatbot-${CHART_VERSION}.tgz`].map((file) => join('..', 'dist', file)).join(', ')} and ${join('..', 'charts', 'todo-chatbot')}/\n`);
    expect(readdirSync(project).sort()).toEqual(['charts', 'dist', 'docs']);
    expect(readdirSync(caller)).toEqual([]);
  });

  it('gives byte-identical dist/ and charts/ for the same input', () => {
    const first = workspace();
    const second = workspace();
    expect(run(first.args).status).toBe(0);
    expect(run(second.args).status).toBe(0);
    expect(relativeTree(fileTree(second.dir), second.dir)).toEqual(relativeTree(fileTree(first.dir), first.dir));
  });
});

describe('synth command line', () => {
  it('explains itself with --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--profile NAME');
    expect(stdout).toContain('--values FILE');
  });

  it.each([
    [['--bogus'], /^error: Unknown option '--bogus'.*\(see --help\)\n$/],
    [['--profile', 'prod'], /^error: --profile: expected one of "minikube", "cloud", got "prod"\n$/],
    // Given twice with two values: neither is taken (the same value twice is one setting).
    [['--profile', 'cloud', '--profile', 'minikube'], /^error: --profile: expected once, got "cloud" and "minikube"\n$/],
    [['--values='], /^error: --values: expected the path of a values file, got ""\n$/],
    [['-f', ''], /^error: --values: expected the path of a values file, got ""\n$/],
    [['--release-name', 'Todo_Bot'], /^error: --release-name: expected a DNS-1035 label of at most 53 characters .*got "Todo_Bot"\n$/],
    [['--namespace', 'x'.repeat(64)], /^error: --namespace: expected a DNS-1123 label of at most 63 characters/],
    // The raw output labels its Namespace and README's uninstall deletes it: never one the cluster owns.
    ...['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((namespace): [string[], RegExp] => [['--namespace', namespace], new RegExp(`^error: --namespace: expected a namespace of the release.s own, not default or kube-\\*.*got "${namespace}"\n$`)]),
  ])('refuses %j', async (argv, message) => {
    const { args } = workspace();
    const { code, stderr } = await cli([...argv, ...args]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('refuses to create the Secret without its environment variables, naming them', async () => {
    const { dir, args } = workspace();
    writeFileSync(join(dir, 'v.yaml'), 'secret:\n  create: true\n');
    const { code, stderr } = await cli([...args, '-f', join(dir, 'v.yaml')], { DATABASE_URL: 'x' });
    expect(code).toBe(1);
    expect(stderr).toBe('error: secret.create: true needs the environment variables OPENAI_API_KEY, BETTER_AUTH_SECRET (set, non-empty); they are never read from files\n');
  });

  it.each([
    ['a line separator', `${SECRETS.OPENAI_API_KEY}\u2028more`],
    ['more than 4096 characters', SECRETS.OPENAI_API_KEY.repeat(200)],
  ])('checks secrets from the environment by the rules of secret.values (%s), naming the variable and never showing the value', async (_name, openaiApiKey) => {
    const { dir, out, args } = workspace();
    writeFileSync(join(dir, 'v.yaml'), 'secret:\n  create: true\n');
    const { code, stderr } = await cli([...args, '-f', join(dir, 'v.yaml')], { ...SECRETS, OPENAI_API_KEY: openaiApiKey });
    expect({ code, stderr }).toEqual({ code: 1, stderr: 'error: OPENAI_API_KEY: expected a string without the line separators U+0085, U+2028 and U+2029 (at most 4096 characters), got text (not shown: a secret value)\n' });
    expect(existsSync(out)).toBe(false);
  });

  (process.platform === 'win32' ? it.skip : it).each([['077', 0o077], ['000', 0o000], ['022', 0o022]])('writes files 0644 (the Secret 0600) and folders 0755 whatever the umask (%s), the folders it makes on the way too', async (_name, umask) => {
    const { dir } = workspace();
    writeFileSync(join(dir, 'v.yaml'), 'secret:\n  create: true\n');
    const before = process.umask(umask);
    try {
      expect((await cli(['--out', join(dir, 'made', 'on', 'the', 'way'), '--charts', join(dir, 'charts'), '-f', join(dir, 'v.yaml')], SECRETS)).code).toBe(0);
    } finally {
      process.umask(before);
    }
    // Each mode the synth wrote, by kind: the Secret's file, other files, folders.
    const modes = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const path = join(folder, entry.name);
        const mode = (statSync(path).mode & 0o777).toString(8);
        if (entry.isDirectory()) return [`folder ${mode}`, ...modes(path)];
        return path === join(dir, 'v.yaml') ? [] : [`${entry.name === '10-secret.yaml' ? 'Secret' : 'file'} ${mode}`];
      });
    expect([...new Set(modes(dir))].sort()).toEqual(['Secret 600', 'file 644', 'folder 755']);
  });

  it('refuses secret values in a values file', async () => {
    const { dir, args } = workspace();
    writeFileSync(join(dir, 'v.yaml'), 'secret:\n  values:\n    openaiApiKey: sk-abc\n');
    const { code, stderr } = await cli([...args, '-f', join(dir, 'v.yaml')]);
    expect(code).toBe(1);
    expect(stderr).toContain('error: secret.values.openaiApiKey: expected ""');
    expect(stderr).not.toContain('sk-abc');
  });

  it('reads values files as Helm does (YAML 1.1: yes and on are booleans)', async () => {
    const { dir, out, args } = workspace();
    writeFileSync(join(dir, 'v.yaml'), 'networkPolicy:\n  enabled: yes\nbackend:\n  podDisruptionBudget:\n    enabled: on\n');
    expect((await cli([...args, '-f', join(dir, 'v.yaml')])).code).toBe(0);
    const manifests = readFileSync(join(out, '20-todo-chatbot.yaml'), 'utf8');
    expect(manifests).toContain('kind: NetworkPolicy');
    expect(manifests).toContain('kind: PodDisruptionBudget');
  });

  it('refuses to replace an output folder that holds files it did not write', async () => {
    const { dir } = workspace();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'main.ts'), 'precious');
    const { code, stderr } = await cli(['--out', join(dir, 'src'), '--charts', join(dir, 'charts')]);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: --out ${join(dir, 'src')}: refusing to replace a folder that holds main.ts, which the synth did not write\n`);
    expect(readFileSync(join(dir, 'src', 'main.ts'), 'utf8')).toBe('precious');
  });

  it("replaces what earlier synths wrote (a Secret file, another version's chart) and nothing else", async () => {
    const { out, args } = workspace();
    mkdirSync(out, { recursive: true });
    for (const earlier of ['10-secret.yaml', 'todo-chatbot-0.0.9.tgz']) writeFileSync(join(out, earlier), 'earlier');
    expect((await cli(args)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['00-namespace.yaml', '20-todo-chatbot.yaml', `todo-chatbot-${CHART_VERSION}.tgz`]);
    for (const foreign of ['30-mine.yaml', 'todo-chatbot-.tgz']) {
      writeFileSync(join(out, foreign), 'mine');
      expect((await cli(args)).stderr).toBe(`error: --out ${out}: refusing to replace a folder that holds ${foreign}, which the synth did not write\n`);
      rmSync(join(out, foreign));
    }
  });

  it('merges values files in order, later wins', async () => {
    const { dir, out, args } = workspace();
    writeFileSync(join(dir, 'a.yaml'), 'backend:\n  replicas: 3\nconfig:\n  logLevel: debug\n');
    writeFileSync(join(dir, 'b.yaml'), 'backend:\n  replicas: 4\n');
    expect((await cli([...args, '-f', join(dir, 'a.yaml'), '--values', join(dir, 'b.yaml')])).code).toBe(0);
    const manifests = readFileSync(join(out, '20-todo-chatbot.yaml'), 'utf8');
    expect(manifests).toContain('replicas: 4');
    expect(manifests).toContain('LOG_LEVEL: debug');
  });
});

const BILLION_LAUGHS = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`)].join('\n');

/** Malformed values files, one per class of mistake. */
const malformed: [string, string, RegExp][] = [
  ['wrong type', 'backend:\n  replicas: two\n', /^backend\.replicas: expected an integer from 0 to 100, got "two"$/],
  ['unknown key', 'backend:\n  replica: 2\n', /^backend\.replica: unknown key \(allowed here: replicas, /],
  ['negative replicas', 'frontend:\n  replicas: -1\n', /^frontend\.replicas: expected an integer from 0 to 100, got -1$/],
  ['huge number', 'frontend:\n  replicas: 1e300\n', /^frontend\.replicas: expected an integer from 0 to 100, got 1e\+300$/],
  ['port out of range', 'frontend:\n  service:\n    port: 70000\n', /^frontend\.service\.port: expected an integer from 1 to 65535, got 70000$/],
  ['privileged port', 'backend:\n  containerPort: 80\n', /^backend\.containerPort: expected an integer from 1024 to 65535, got 80$/],
  ['invalid DNS name', 'secret:\n  existingSecret: My_Secret\n', /^secret\.existingSecret: expected empty, or a DNS-1123 subdomain/],
  ['empty env value', 'frontend:\n  extraEnv:\n    - name: FEATURE\n      value: ""\n', /^frontend\.extraEnv\[0\]\.value: expected a string without the line separators .*\(at least 1 character, at most 4096 characters\), got ""$/],
  ['memory above the ceiling', 'backend:\n  resources:\n    limits:\n      memory: 65Ti\n', /^backend\.resources\.limits\.memory: expected at most "64Ti", got "65Ti"$/],
  ['an Ingress path the API server refuses', 'frontend:\n  ingress:\n    path: /app//v1\n', /^frontend\.ingress\.path: expected a path without "\/\/", .*got "\/app\/\/v1"$/],
  ['very long string', `config:\n  corsOrigins: "${'x'.repeat(5000)}"\n`, /^config\.corsOrigins: expected a string without the line separators .*\(at most 4096 characters\), got "x{20,}\.\.\.$/],
  ['too many config entries', `config:\n  extra:\n${Array.from({ length: 101 }, (_, i) => `    K${i}: v`).join('\n')}\n`, /^config\.extra: expected a mapping of at most 100 entries, got \{"K0":"v",/],
  ['not YAML', 'backend: [1, 2\n', /not valid YAML/],
  ['a list at the top', '- 1\n- 2\n', /expected a mapping of values at the top level, got a list/],
  ['two documents (Helm 3 reads the first, Helm 4 merges them)', 'backend:\n  replicas: 2\n---\nbackend:\n  replicas: 3\n', /^expected one YAML document, got a second one/],
  ['a YAML directive (Helm 4 cannot read it)', '%YAML 1.1\n---\nbackend: {}\n', /^expected no YAML directive, got "%YAML"/],
  ['an alias bomb', BILLION_LAUGHS, /resource exhaustion/],
  ['duplicate keys', 'backend: {}\nbackend: {}\n', /expected each key once in a mapping, got "backend" again/],
  ['one key in two spellings (Helm keeps one of them)', 'config:\n  extra:\n    yes: a\n    true: b\n', /^expected each key once in a mapping, got "true" again \(Helm would keep only one of them\)$/],
  ['a null key (Helm cannot read it)', 'config:\n  extra:\n    ~: a\n', /^expected a key of text, a number or a boolean, got null \(Helm cannot read it\)$/],
  ['a list as a key (Helm cannot read it)', '? [a]\n: 1\n', /^expected a key of text, a number or a boolean, got a list/],
  ['a line that starts with --- and goes on (Helm 4 splits there)', 'config:\n  corsOrigins: "a\n---b"\n', /^expected a line that starts with --- to be a document separator/],
  ['requests over limits', 'backend:\n  resources:\n    requests:\n      memory: 2Gi\n', /^backend\.resources\.requests\.memory: expected at most backend\.resources\.limits\.memory \("512Mi"\), got "2Gi"$/],
  ['a __proto__ key', '__proto__:\n  polluted: true\n', /^\["__proto__"\]: unknown key|^__proto__: unknown key/],
];

describe('output folders the synth cannot use: one line, exit 1, nothing written anywhere, at once', () => {
  const file = join(scratchFolder('file'), 'a-file');
  writeFileSync(file, 'not a folder');
  it.each([
    ['an empty --out', ['--out', ''], 'error: --out: expected a folder path, got ""'],
    ['an empty --charts (it wrote a chart into the current folder)', ['--charts', ''], 'error: --charts: expected a folder path, got ""'],
    ['--out naming a file', ['--out', file], `error: --out ${file}: expected a folder, got an existing file`],
    ['--charts naming a file', ['--charts', file], `error: --charts ${file}: expected a folder, got an existing file`],
    ['--out below a file', ['--out', join(file, 'dist')], `error: --out ${join(file, 'dist')}: cannot be created: ${file} is a file`],
    ['--out under /proc (creating it looped forever)', ['--out', '/proc/todo-chatbot-dist'], 'error: --out /proc/todo-chatbot-dist: cannot be written: nothing can be created in /proc'],
    ['--charts under /sys', ['--charts', '/sys/todo-chatbot-charts'], 'error: --charts /sys/todo-chatbot-charts: cannot be written: nothing can be created in /sys'],
  ])('%s', async (_case, flags, expected) => {
    const { dir, args } = workspace();
    const before = fileTree(dir);
    const cwdBefore = readdirSync(process.cwd()).sort();
    const flagged = new Set(flags.filter((_, index) => index % 2 === 0));
    const rest = args.filter((_, index) => !flagged.has(args[index - (index % 2)]));
    const result = await cli([...rest, ...flags]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(expected)]);
    expect(fileTree(dir)).toEqual(before);
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
  });

  it.each([
    ['LINE SEPARATOR', '\u2028', '\\u2028'],
    ['NEL', '\u0085', '\\u0085'],
    ['PARAGRAPH SEPARATOR', '\u2029', '\\u2029'],
    ['carriage return', '\r', '\\r'],
  ])('shows a value holding a %s escaped, so each error stays one line', async (_name, character, escaped) => {
    const { dir, args } = workspace();
    const values = join(dir, 'values.json');
    // Written as JSON escapes: raw in a file, go-yaml (and so the synth) reads NEL, LS and PS as line breaks.
    const json = JSON.stringify({ backend: { image: { tag: `a${character}b` } }, config: { extra: { [`K${character}`]: 'v' } } });
    writeFileSync(values, json.replace(/[\u0085\u2028\u2029]/g, (raw) => `\\u${raw.charCodeAt(0).toString(16).padStart(4, '0')}`));
    const result = await cli([...args, '-f', values]);
    expect(result.code).toBe(1);
    const lines = result.stderr.split(/\r\n|[\n\r\u0085\u2028\u2029]/).filter(Boolean);
    expect(lines).toEqual([expect.stringContaining(`got "a${escaped}b"`), expect.stringContaining(`config.extra["K${escaped}"]`)]);
  });

  it('refuses --out and --charts inside each other (each is replaced as a whole)', async () => {
    const { dir } = workspace();
    const result = await cli(['--out', join(dir, 'out'), '--charts', join(dir, 'out')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --charts .*: expected a folder whose todo-chatbot\/ is outside --out/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('bad input never half-writes and never crashes', () => {
  it.each(malformed)('%s: one clear line, exit 1, nothing written', async (_name, content, expected) => {
    const { dir, args } = workspace();
    expect((await cli(args)).code).toBe(0);
    const before = fileTree(dir);
    const file = join(dir, 'values.yaml');
    writeFileSync(file, content);
    const { code, stderr, stdout } = await cli([...args, '-f', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].replace(/^error: (\S+values\.yaml(:\d+:\d+)?: )?/, '')).toMatch(expected);
    expect(fileTree(dir)).toEqual({ ...before, [file]: expect.any(String) });
  });

  it('a values file of 40,000 keys where 100 are allowed: one line naming the bound (the parser\'s own repeated-key check took seconds)', async () => {
    const { dir, args } = workspace();
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify({ config: { extra: Object.fromEntries(Array.from({ length: 40000 }, (_, index) => [`KEY_${index}`, 'v'])) } }));
    const result = await cli([...args, '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: config\.extra: expected a mapping of at most 100 entries, got /)]);
  });

  it('repeated keys are refused with the line and column of the repeat, at any depth', async () => {
    const { dir, args } = workspace();
    const file = join(dir, 'repeated.yaml');
    writeFileSync(file, 'backend:\n  replicas: 1\n  replicas: 2\n');
    expect((await cli([...args, '-f', file])).stderr).toBe(`error: ${file}:3:3: expected each key once in a mapping, got "replicas" again (Helm would keep only one of them)\n`);
  });

  it('a missing file is one clear line', async () => {
    const { dir, args } = workspace();
    const { code, stderr } = await cli([...args, '-f', join(dir, 'nope.yaml')]);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: ${join(dir, 'nope.yaml')}: cannot read values file: no such file\n`);
  });

  it('random YAML documents either synthesize or fail with error lines only (fast-check)', async () => {
    const { dir, args } = workspace();
    mkdirSync(join(dir, 'inputs'));
    expect((await cli(args)).code).toBe(0);
    const before = fileTree(join(dir, 'dist'));
    // Text with the characters that end a line for some reader, and the YAML 1.1 spellings readers disagree on.
    const oddText = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('a\u2028b', 'a\u0085b', 'a\rb', 'PORT', 'HOSTNAME', '2001-12-14', '0o17', '1_000', 'yes', '~'));
    const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), oddText);
    const keys = fc.constantFrom(
      ...['backend', 'frontend', 'replicas', 'image', 'tag', 'digest', 'service', 'type', 'port', 'nodePort', 'config', 'secret', 'create', 'extra', 'x'],
      ...['extraEnv', 'name', 'value', 'ingress', 'host', 'tlsSecretName', 'aiops', 'kagent', 'enabled', 'namespace', 'writeTools', 'PORT'],
    );
    const document = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(keys, tie('node'), { maxKeys: 4 })),
    })).node;
    const json = document.map((value) => JSON.stringify(value));
    const text = fc.oneof(
      json,
      fc.string({ maxLength: 60 }),
      // Several documents, a directive, and collections far over their bounds.
      fc.tuple(json, json).map(([first, second]) => `${first}\n---\n${second}\n`),
      json.map((body) => `%YAML 1.1\n---\n${body}\n`),
      fc.integer({ min: 101, max: 3000 }).map((count) => JSON.stringify({ config: { extra: Object.fromEntries(Array.from({ length: count }, (_, i) => [`K${i}`, 'v'])) } })),
    );
    let index = 0;
    await fc.assert(
      fc.asyncProperty(text, async (content) => {
        const file = join(dir, 'inputs', `input-${index++}.yaml`);
        writeFileSync(file, content);
        const { code, stderr } = await cli([...args, '-f', file]);
        if (code !== 0) {
          // One line per problem, whatever a value holds: no reader may see a line break inside one.
          const lines = stderr.trimEnd().split(/\r\n|[\n\r\u0085\u2028\u2029]/);
          expect(lines.every((line) => line.startsWith('error: '))).toBe(true);
          expect(fileTree(join(dir, 'dist'))).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});
