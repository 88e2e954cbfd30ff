import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
 * Why the synth cannot write a folder at `path`, if it cannot: an empty path, an existing file, a file
 * where a parent folder should be, or a place nothing can be created in (read-only, or a virtual file
 * system such as /proc, where creating folders recursively never returns). Checked before any work, by
 * creating and removing an empty folder in the nearest existing ancestor.
 */
export function outputFolderProblem(path: string): string | undefined {
  if (path.trim() === '') return `expected a folder path, got ${JSON.stringify(path)}`;
  const target = resolve(path);
  let existing = target;
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    return existing === target ? 'expected a folder, got an existing file' : `cannot be created: ${existing} is a file`;
  }
  try {
    rmdirSync(mkdtempSync(join(existing, '.todo-chatbot-probe-')));
  } catch (error) {
    return `cannot be written: nothing can be created in ${existing} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  return undefined;
}

/**
 * One rule for what the synth writes, whatever the umask: files 0644 (a file may ask for less, as the
 * Secret's 0600 does), folders 0755, as in the packaged chart. The same input gives the same tree.
 */
const FILE_MODE = 0o644;
const FOLDER_MODE = 0o755;

/**
 * Replaces the folder `target` with exactly `files`. They are written to a sibling staging folder
 * first and swapped in by rename, so a failure never leaves a half-written folder behind.
 */
export function replaceFolder(target: string, files: ReadonlyMap<string, OutputFile | string>): void {
  // Both names match .gitignore's `*.tmp-*`: an interrupted synth leaves nothing git would pick up.
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.tmp-old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    // Folders made on the way (`--out a/b/dist`) follow the same rule.
    const firstMade = mkdirSync(dirname(target), { recursive: true });
    if (firstMade !== undefined) for (let folder = dirname(target); folder.length >= firstMade.length; folder = dirname(folder)) chmodSync(folder, FOLDER_MODE);
    const folders = new Set([staging]);
    for (const [path, file] of files) {
      const { content, mode = FILE_MODE } = typeof file === 'string' ? { content: file } : file;
      const destination = join(staging, path);
      mkdirSync(dirname(destination), { recursive: true });
      for (let folder = dirname(destination); folder !== staging; folder = dirname(folder)) folders.add(folder);
      writeFileSync(destination, content, { mode });
      chmodSync(destination, mode); // writeFileSync's mode is masked by the umask
    }
    mkdirSync(staging, { recursive: true });
    for (const folder of folders) chmodSync(folder, FOLDER_MODE);
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
  }
}
