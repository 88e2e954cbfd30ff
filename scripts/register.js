/*
 * Runs TypeScript files in Node (scripts/transpile.js says how), like `sucrase/register`, but keeps
 * each transpiled file in node_modules/.cache keyed by a hash of its source: an unchanged file costs
 * one read and one hash, and sucrase is loaded only on a miss.
 */
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { transpile, transpileKey } = require('./transpile');

// TODO_CHATBOT_TS_CACHE moves it: `npm run bench` times a synth with an empty cache, as on a fresh clone.
const cacheDir = process.env.TODO_CHATBOT_TS_CACHE || join(__dirname, '..', 'node_modules', '.cache', 'todo-chatbot-ts');

function transpileCached(source, filename) {
  const cached = join(cacheDir, `${transpileKey(source, filename)}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    const code = transpile(source, filename);
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
  module._compile(transpileCached(readFileSync(filename, 'utf8'), filename), filename);
};
