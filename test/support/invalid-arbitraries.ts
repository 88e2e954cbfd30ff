import fc from 'fast-check';
import { reservedEnv } from '../../src/config/environment';
import { JsonSchema, nonNull, schemaLeaves, valuesJsonSchema } from '../../src/config/json-schema';
import { Settings } from '../../src/config/load';
import { EMPTY_WHEN_RULES, QUANTITY_CEILING } from '../../src/config/rules';
import { COMPONENTS, Values } from '../../src/config/schema';
import { CHART_NAME } from '../../src/model/names';
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

const componentBreakers = (component: (typeof COMPONENTS)[number]): [string, Breaker][] => [
  [`${component} request above its limit`, (v) => ((v[component].resources.requests.memory = '2Gi'), (v[component].resources.limits.memory = '1Gi'), `${component}.resources.requests.memory`)],
  [`${component} limit above the ceiling`, (v) => ((v[component].resources.limits.cpu = `${Number(QUANTITY_CEILING.cpu) + 1}`), `${component}.resources.limits.cpu`)],
  [`${component} identical probes`, (v) => ((v[component].probes.liveness = { ...v[component].probes.readiness }), `${component}.probes.liveness`)],
  [`${component} more minimum than maximum replicas`, (v) => ((v[component].autoscaling.minReplicas = 9), (v[component].autoscaling.maxReplicas = 3), `${component}.autoscaling.minReplicas`)],
  [`${component} a variable the model sets`, (v) => ((v[component].extraEnv = [{ name: reservedEnv(component)[0], value: 'x' }]), `${component}.extraEnv[0].name`)],
  [`${component} a secret-looking variable`, (v) => ((v[component].extraEnv = [{ name: 'MY_TOKEN', value: 'x' }]), `${component}.extraEnv[0].name`)],
  [`${component} a preStop pause as long as the grace period`, (v) => ((v[component].terminationGracePeriodSeconds = 10), (v[component].preStopSleepSeconds = 10), `${component}.preStopSleepSeconds`)],
  [`${component} a rollout that can neither start nor stop a pod`, (v) => ((v[component].rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }), `${component}.rollingUpdate.maxUnavailable`)],
  [`${component} a repeated variable`, (v) => ((v[component].extraEnv = [{ name: 'A', value: '1' }, { name: 'A', value: '2' }]), `${component}.extraEnv[1].name`)],
];

const CROSS_FIELD_BREAKERS: [string, Breaker][] = [
  ...COMPONENTS.flatMap(componentBreakers),
  ['a reserved config key', (v) => ((v.config.extra = { LOG_LEVEL: 'debug' }), 'config.extra.LOG_LEVEL')],
  ['two Secret entries under one key', (v) => ((v.secret.keys.openaiApiKey = v.secret.keys.databaseUrl), 'secret.keys.openaiApiKey')],
  ['an IP address as Ingress host', (v) => ((v.frontend.ingress.host = '10.1.2.3'), 'frontend.ingress.host')],
  ['an Ingress path the API server refuses', (v) => ((v.frontend.ingress.path = '/a//b'), 'frontend.ingress.path')],
  ...EMPTY_WHEN_RULES.map((rule): [string, Breaker] => [`${rule.path} set when ${rule.whenText}`, (v) => (rule.breaks(v), rule.path)]),
  ['the Next.js cache on the tmp volume', (v) => ((v.frontend.nextCachePath = '/tmp/'), 'frontend.nextCachePath')],
  ['a kagent write tool listed twice', (v) => ((v.aiops.kagent.writeTools = ['k8s_scale', 'k8s_scale']), 'aiops.kagent.writeTools[1]')],
];

/** Every way we break valid values, by name: each schema leaf, and each cross-field rule. */
export const BREAKERS: readonly [string, Breaker][] = [...SCHEMA_BREAKERS, ...CROSS_FIELD_BREAKERS];

/** Valid settings with one to three of our rules broken, and the fields broken. */
// The cross-field rules are few and each is written twice (synth and chart): drawn three times as often.
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
    ...[...stderr.matchAll(/^(?:error: )?([A-Za-z][\w.[\]"-]*): /gm)].map(([, path]) => path),
    ...[...stderr.matchAll(/^\s*- ([A-Za-z][\w.]*): /gm)].map(([, path]) => path),
    ...[...stderr.matchAll(/at '(\/[^']*)'/g)].map(([, path]) => path),
    ...[...stderr.matchAll(new RegExp(`execution error at \\(${CHART_NAME}/${VALIDATE_TEMPLATE}:[^)]*\\): ([\\w.[\\]"-]+): `, 'g'))].map(([, path]) => path),
  ].filter((path) => !['Error', 'todo-chatbot'].includes(path));
}
