import fc from 'fast-check';
import { JsonSchema, nonNull, schemaLeaves, valuesJsonSchema } from '../../src/config/json-schema';
import { Settings } from '../../src/config/load';
import { CROSS_FIELD_RULES } from '../../src/config/rules';
import { Values } from '../../src/config/schema';
import { CHART_NAME } from '../../src/model/helpers';
import { VALIDATE_TEMPLATE } from '../../src/outputs/helm/validate';
import { setAt, settingsArbitrary } from './arbitraries';

/** Values with one of our rules broken on purpose; returns the field it is about. */
type Breaker = (values: any) => string;

/** A value the schema refuses at this leaf, chosen from what the leaf allows. */
function refusedAt(node: JsonSchema): unknown {
  const leaf = nonNull(node);
  if (leaf.enum) return 'not-one-of-the-options';
  switch (leaf.type) {
    case 'integer':
      return leaf.maximum !== undefined ? leaf.maximum + 1 : 'not a number';
    case 'boolean':
      return 'yes';
    case 'string':
      // A line separator breaks free text; a space breaks every other format (names, paths, quantities, URLs).
      return leaf.maxLength !== undefined && leaf.maxLength < 20 ? 'x'.repeat(leaf.maxLength + 1) : `Not Valid \u2028 ${'x'.repeat(leaf.maxLength ?? 0)}`;
    case 'array':
      return 'not a list';
    default:
      return 'not a mapping';
  }
}

const SCHEMA_BREAKERS: [string, Breaker][] = schemaLeaves(valuesJsonSchema()).map(({ path, node }) => [
  `${path.join('.')} out of its schema`,
  (values) => {
    setAt(values, path, refusedAt(node));
    return path.join('.');
  },
]);

/** Each way CROSS_FIELD_RULES says its rules are broken, by what it does. */
const CROSS_FIELD_BREAKERS: [string, Breaker][] = CROSS_FIELD_RULES.flatMap((rule) => Object.entries(rule.breaks));

/** Every way we break valid values, by name: each schema leaf, and each cross-field rule. */
export const BREAKERS: readonly [string, Breaker][] = [...SCHEMA_BREAKERS, ...CROSS_FIELD_BREAKERS];

/** Valid settings with one to three of our rules broken, and the fields broken. */
// The cross-field rules are few and each is written in two languages (synth and chart): drawn three times as often.
const breaker = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...SCHEMA_BREAKERS) }, { weight: 3, arbitrary: fc.constantFrom(...CROSS_FIELD_BREAKERS) });

export const invalidSettingsArbitrary: fc.Arbitrary<{ settings: Settings; broken: string[]; how: string[] }> = fc
  .tuple(settingsArbitrary, fc.uniqueArray(breaker, { minLength: 1, maxLength: 3, selector: ([name]) => name }))
  .map(([settings, breakers]) => {
    const values = structuredClone(settings.values) as Values;
    const broken = breakers.map(([, breakIt]) => breakIt(values));
    return { settings: { ...settings, values }, broken, how: breakers.map(([name]) => name) };
  });

/** A field path in one spelling: `a.b[0].c`, `a.b.0.c`, `/a/b/0/c` and `a["b"]` all become `a.b.0.c`. */
export function normalisedPath(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\["([^"]*)"\]/g, '.$1');
}

/** Whether two paths name the same field, or one contains the other (a schema error names the mapping an unknown key is in). */
export function sameField(a: string, b: string): boolean {
  const [x, y] = [normalisedPath(a), normalisedPath(b)];
  return x === y || x.startsWith(`${y}.`) || y.startsWith(`${x}.`);
}

/**
 * The fields a refusal names: our `error: path: ...` lines, Helm 3's `- path: ...`, Helm 4's `at '/path'`,
 * and `fail` lines, which count only from the checks' own template (a refusal that names another template
 * names no field).
 */
export function fieldsNamed(stderr: string): string[] {
  return [
    ...[...stderr.matchAll(/^(?:error: )?([A-Za-z][\w.[\]"/-]*): /gm)].map(([, path]) => path),
    ...[...stderr.matchAll(/^\s*- ([A-Za-z][\w.]*): /gm)].map(([, path]) => path),
    ...[...stderr.matchAll(/at '(\/[^']*)'/g)].map(([, path]) => path),
    ...[...stderr.matchAll(new RegExp(`execution error at \\(${CHART_NAME}/${VALIDATE_TEMPLATE}:[^)]*\\): ([\\w.[\\]"/-]+): `, 'g'))].map(([, path]) => path),
  ].filter((path) => !['Error', 'todo-chatbot'].includes(path));
}
