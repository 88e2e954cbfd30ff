/*
 * Jest's transform for our TypeScript: the same transpilation as the synth's (scripts/transpile.js),
 * cached by jest under the same key. ts-jest took about 12 s of CPU on a cold cache.
 */
const { transpile, transpileKey } = require('../../scripts/transpile');

module.exports = {
  process: (source, filename) => ({ code: transpile(source, filename) }),
  getCacheKey: (source, filename) => transpileKey(source, filename),
};
