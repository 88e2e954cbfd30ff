import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Helm, helms, runHelm } from './helm';
import { scratchFolder } from './scratch';

/*
 * Running the project's commands and third-party tools as a user would, for the tiers that run real
 * programs (test/cluster, test/peers).
 */

/** What a command did: its exit status and everything it printed. */
export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const ROOT = join(__dirname, '..', '..');

export function run(command: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const result = spawnSync(command, args, { encoding: 'utf8', input: options.input, env: options.env ?? process.env, cwd: options.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
}

export function orThrow(what: string, result: Run): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Helm v4 and v3, the same binaries as the Helm tests of npm test. */
export const HELMS: readonly Helm[] = helms();

export const helm: (which: Helm, args: readonly string[]) => Run = runHelm;

export function helmOk(which: Helm, args: readonly string[]): string {
  return orThrow(`helm v${which.major} ${args.join(' ')}`, helm(which, args));
}

/** A PATH on which `helm` is this Helm, for scripts that call it by name. */
export function pathWithHelm(which: Helm): string {
  const dir = scratchFolder(`helm-v${which.major}`);
  symlinkSync(which.path, join(dir, 'helm'));
  return `${dir}${delimiter}${process.env.PATH ?? ''}`;
}

/** `npm run smoke -- ARGS` as a user runs it (scripts/smoke.ts), npm's own banner left out. */
export function runSmoke(args: readonly string[], env: NodeJS.ProcessEnv): Run {
  return run('npm', ['run', '--silent', 'smoke', '--', ...args], { env });
}

/** What `npm run synth -- ARGS` writes, into a folder of its own: `dist` and `charts` inside `root`. */
export interface SynthOutput {
  readonly root: string;
  readonly dist: string;
  readonly tgz: string;
}

/** What `npm run synth` runs (package.json): the compiled synth when there is a current one, else the sources. */
export const SYNTH_SCRIPT = join(ROOT, 'scripts', 'synth.js');

/** Runs the synth command exactly as a user does (README's `npm run synth`, without npm itself), into a fresh folder. */
export function synthCommand(args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): SynthOutput {
  const root = scratchFolder('synth');
  const dist = join(root, 'dist');
  mkdirSync(dist);
  orThrow(`npm run synth -- ${args.join(' ')}`, run(process.execPath, [SYNTH_SCRIPT, '--out', dist, '--charts', join(root, 'charts'), ...args], { env }));
  const { version } = require('../../package.json') as { version: string };
  return { root, dist, tgz: join(dist, `todo-chatbot-${version}.tgz`) };
}

