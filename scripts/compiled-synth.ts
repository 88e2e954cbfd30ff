/*
 * The compiled synth's names and its test for being current, shared by scripts/compile.ts, which
 * builds it, scripts/synth-snapshot.ts, which it is built from, and the bench and tests.
 * scripts/synth.js (`npm run synth`) finds it by the same name: the name holds the node version and
 * the machine, since a snapshot only starts on the node and machine it was built by.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';

/** Set by scripts/compile.ts while the snapshot is built: the files it is compiled from, relative to the project. */
export const SOURCES_VARIABLE = 'TODO_CHATBOT_SNAPSHOT_SOURCES';
/** Set by scripts/synth.js: the project folder, wherever it is now. */
export const ROOT_VARIABLE = 'TODO_CHATBOT_ROOT';
/** Moves the compiled synth's folder: `npm run bench` and the tests compile into folders of their own. */
export const CACHE_VARIABLE = 'TODO_CHATBOT_SYNTH_CACHE';

export function compiledSynthPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const cacheDir = env[CACHE_VARIABLE] || join(root, 'node_modules', '.cache', 'todo-chatbot-synth');
  return join(cacheDir, `synth-${process.version}-${machine()}.blob`);
}

/** One hash of the files' paths and contents; a missing file hashes as missing, so it never matches a compiled one. */
export function fingerprint(root: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    let content: Buffer | string;
    try {
      content = readFileSync(join(root, file));
    } catch {
      content = '\0missing';
    }
    hash.update(`${file}\0`).update(content).update('\0');
  }
  return hash.digest('hex');
}
