/*
 * Runs TypeScript files in Node without type-checking (that is `npm test`'s job), like
 * `sucrase/register`, but keeps each transpiled file in node_modules/.cache keyed by a hash of its
 * source: an unchanged file costs one read and one hash, and sucrase is loaded only on a miss.
 * Sucrase keeps line numbers, so stack traces point at the .ts lines.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

// TODO_CHATBOT_TS_CACHE moves it: `npm run bench` times a synth with an empty cache, as on a fresh clone.
const cacheDir = process.env.TODO_CHATBOT_TS_CACHE || join(__dirname, '..', 'node_modules', '.cache', 'todo-chatbot-ts');
const sucraseVersion = require('sucrase/package.json').version;
// Node 20 runs ES2022 itself: only types and imports are rewritten (test/support/transform.js does the same for jest).
const OPTIONS = { transforms: ['typescript', 'imports'], disableESTransforms: true };

function transpile(source, filename) {
  const key = createHash('sha256').update(`${sucraseVersion}\0${JSON.stringify(OPTIONS)}\0${filename}\0${source}`).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    const { transform } = require('sucrase');
    const { code } = transform(source, { ...OPTIONS, filePath: filename });
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed, so a concurrent run never reads half a file.
      const partial = `${cached}.${process.pid}`;
      writeFileSync(partial, code);
      renameSync(partial, cached);
    } catch {
      // A read-only node_modules only costs the cache, never the synth.
    }
    return code;
  }
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
};
