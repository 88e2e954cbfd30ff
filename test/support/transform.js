/*
 * Jest's TypeScript transform: sucrase, as scripts/register.js does for the synth. It only strips
 * types (`tsc --noEmit` type-checks once, before jest, in `npm test`) and keeps line numbers, so stack
 * traces point at the .ts lines without source maps. ts-jest took about 12 s of CPU on a cold cache.
 * Node 20 runs ES2022 itself: sucrase's own rewrites of newer syntax are off (they got
 * `delete a?.[b]` wrong).
 */
const { createHash } = require('node:crypto');
const { transform } = require('sucrase');
const sucraseVersion = require('sucrase/package.json').version;

module.exports = {
  process(source, filename) {
    return { code: transform(source, { transforms: ['typescript', 'imports'], disableESTransforms: true, filePath: filename }).code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(`${sucraseVersion}\0${filename}\0${source}`).digest('hex');
  },
};
