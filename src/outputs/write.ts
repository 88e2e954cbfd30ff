import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OutputFile } from './raw';

/**
 * Entries of an existing `target` that the synth did not write (a mistyped `--out src` must never
 * delete sources): those outside `files` that `ownsEntry` does not claim either.
 */
export function foreignEntries(target: string, files: ReadonlyMap<string, unknown>, ownsEntry: (name: string) => boolean): string[] {
  if (!existsSync(target)) return [];
  const ours = new Set([...files.keys()].map((path) => path.split('/')[0]));
  return readdirSync(target).filter((name) => !ours.has(name) && !ownsEntry(name));
}

/**
 * Replaces the folder `target` with exactly `files`. They are written to a sibling staging folder
 * first and swapped in by rename, so a failure never leaves a half-written folder behind.
 */
export function replaceFolder(target: string, files: ReadonlyMap<string, OutputFile | string>): void {
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, file] of files) {
      const { content, mode = 0o644 } = typeof file === 'string' ? { content: file } : file;
      const destination = join(staging, path);
      mkdirSync(dirname(destination), { recursive: true });
      writeFileSync(destination, content, { mode });
      chmodSync(destination, mode); // writeFileSync's mode is masked by the umask
    }
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
  }
}
