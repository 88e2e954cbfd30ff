import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { list } from 'tar';
import { scratchFolder } from './scratch';

/** Every file under a folder with its bytes (base64), by path: to prove a run changed nothing, or wrote what another wrote. */
export function fileTree(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else tree[path] = readFileSync(path).toString('base64');
    }
  };
  walk(dir);
  return tree;
}

/** The same files named relative to `root`, to compare trees written into different folders. */
export function relativeTree(tree: Record<string, string>, root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([path, bytes]) => [relative(root, path), bytes]));
}

/** The files of a gzipped tar, read with the tar library: name to content. */
export function untar(archive: Buffer): Map<string, string> {
  const file = join(scratchFolder('tgz'), 'chart.tgz');
  writeFileSync(file, archive);
  const files = new Map<string, string>();
  list({
    file,
    sync: true,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(entry.path, Buffer.concat(chunks).toString('utf8')));
    },
  });
  return files;
}
