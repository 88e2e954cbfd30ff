/*
 * How our TypeScript becomes JavaScript for node, for scripts/register.js (the synth from sources and
 * the scripts) and test/support/transform.js (jest): sucrase strips the types and turns imports into
 * require calls, keeping line numbers, so stack traces point at the .ts lines. Node 20 runs ES2022
 * itself, so sucrase's rewrites of newer syntax are off (they got `delete a?.[b]` wrong). Nothing is
 * type-checked here: that is `tsc`'s job, in `npm test` (test/typecheck.test.ts).
 */
const { createHash } = require('node:crypto');

const sucraseVersion = require('sucrase/package.json').version;
const OPTIONS = { transforms: ['typescript', 'imports'], disableESTransforms: true };

/** Changes with the source, its path, sucrase's version and the options: what a cached output is valid for. */
function transpileKey(source, filename) {
  return createHash('sha256').update(`${sucraseVersion}\0${JSON.stringify(OPTIONS)}\0${filename}\0${source}`).digest('hex');
}

/** The JavaScript for one TypeScript file; sucrase is loaded on the first call only. */
function transpile(source, filename) {
  const { transform } = require('sucrase');
  return transform(source, { ...OPTIONS, filePath: filename }).code;
}

module.exports = { transpile, transpileKey };
