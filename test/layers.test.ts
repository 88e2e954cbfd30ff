import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/*
 * The layering of src/, as README's "How it works" lists it: each folder imports only the ones listed
 * before it. Config knows nothing of constructs or files, constructs nothing of how they are written,
 * and the docs feed nothing (the chart's README takes its values table from outputs/, as the docs do).
 */

const SRC = join(__dirname, '..', 'src');

/** What each place in src/ may import besides itself, lowest first; `imports/` at the root is the generated CRD bindings. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  config: [],
  imports: [],
  model: ['config'],
  constructs: ['config', 'model', 'imports', '../imports'],
  policy: ['config', 'model'],
  validate: ['config', 'imports', 'model', 'policy'],
  outputs: ['config', 'model', 'constructs'],
  docs: ['config', 'model', 'constructs', 'policy', 'outputs', '../package.json'],
  'synth.ts': ['config', 'model', 'constructs', 'outputs', '../imports', '../package.json'],
  'cli.ts': ['config', 'model', 'constructs', 'outputs', 'synth.ts'],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The place in src/ a path is in: its top folder, a top-level file, or `../imports` for the root's bindings. */
function placeOf(path: string): string {
  const [top, ...rest] = relative(SRC, path).split(/[\\/]/);
  if (top === '..') return `../${rest[0]}`;
  return rest.length === 0 && !top.endsWith('.ts') ? `${top}.ts` : top;
}

/** Every relative import in src/, as [importing place, imported place, file]. */
function imports(): [from: string, to: string, file: string][] {
  return sourceFiles(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom '(\.[^']*)'/gms)].map(([, target]): [string, string, string] => [placeOf(file), placeOf(resolve(dirname(file), target)), relative(SRC, file)]),
  );
}

describe('the layering of src/', () => {
  const found = imports();

  it('reads the imports it judges: every place of src/ in the table, and imports across places', () => {
    expect(new Set(sourceFiles(SRC).map(placeOf))).toEqual(new Set(Object.keys(MAY_IMPORT)));
    expect(found.filter(([from, to]) => from !== to).length).toBeGreaterThan(50);
  });

  it('has each place import only the places below it, and nothing import src/docs/', () => {
    const upward = found.filter(([from, to]) => from !== to && !MAY_IMPORT[from].includes(to)).map(([from, to, file]) => `${file}: ${from} imports ${to}`);
    expect(upward).toEqual([]);
  });
});
