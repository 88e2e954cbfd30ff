import fc from 'fast-check';
import { JsonSchema, nonNull, valuesJsonSchema } from '../../src/config/json-schema';
import { Settings } from '../../src/config/load';
import { RESERVED_CONFIG_KEYS, reservedEnv } from '../../src/config/environment';
import { evaluate } from '../../src/config/conditions';
import { crossFieldProblems, EMPTY_WHEN_RULES, IP_ADDRESS, QUANTITY_CEILING, SECRET_LOOKING_NAME } from '../../src/config/rules';
import { COMPONENTS, releaseSchema, SECRET_FIELDS, Values } from '../../src/config/schema';
import { z } from 'zod';
import { formats, schemaPattern } from '../../src/config/patterns';

/** Free text as users type it: quotes, colons, YAML keywords, unicode, newlines. */
const freeText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength: Math.min(maxLength, 40), unit: 'grapheme' }),
    fc.constantFrom('true', 'null', '1e3', '0x1F', 'a: b', '- x', "it's", '"quoted"', '{{ .Values }}', '%s %v', 'line1\nline2', '#hash', ''),
  );

/** One arbitrary per pattern and bound: fast-check takes milliseconds to build each from its regular expression. */
const patternedBy = new Map<string, fc.Arbitrary<string>>();

function patterned(node: JsonSchema): fc.Arbitrary<string> {
  const max = node.maxLength ?? 253;
  const key = `${max}\0${node.pattern ?? ''}`;
  let arbitrary = patternedBy.get(key);
  if (!arbitrary) {
    arbitrary = fc.stringMatching(new RegExp(node.pattern ?? '')).filter((text) => text.length <= max);
    patternedBy.set(key, arbitrary);
  }
  return arbitrary;
}

/** Random values valid against a JSON schema node, derived from the schema itself. */
export function fromSchema(schemaNode: JsonSchema): fc.Arbitrary<unknown> {
  const node = nonNull(schemaNode);
  const value = ((): fc.Arbitrary<unknown> => {
    if (node.enum) return fc.constantFrom(...node.enum);
    switch (node.type) {
      case 'integer':
        return fc.integer({ min: node.minimum ?? -1000, max: node.maximum ?? 1000 });
      case 'boolean':
        return fc.boolean();
      case 'string':
        if (!node.pattern || node.pattern === schemaPattern(formats.freeText.pattern)) {
          return freeText(node.maxLength ?? 100).filter((value) => formats.freeText.pattern.test(value) && value.length >= (node.minLength ?? 0));
        }
        return patterned(node);
      case 'array':
        return fc.array(fromSchema(node.items ?? {}), { minLength: Number(node.minItems ?? 0), maxLength: Math.min(node.maxItems ?? 3, 3) });
      default:
        if (node.properties) {
          return fc.record(Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, fromSchema(child)])), {
            requiredKeys: node.required ?? [],
            noNullPrototype: true,
          });
        }
        return fc.dictionary(patterned(node.propertyNames ?? {}), fromSchema(node.additionalProperties as JsonSchema), { maxKeys: 3, noNullPrototype: true });
    }
  })();
  return node !== schemaNode ? fc.option(value, { nil: null }) : value;
}

const text = (schema: z.ZodString) => {
  const node = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonSchema;
  return patterned(node);
};

/** Sets the value at `path` (its keys) in `values`. */
export function setAt(values: any, path: readonly string[], value: unknown): void {
  const parent = path.slice(0, -1).reduce((node, key) => node[key], values);
  parent[path[path.length - 1]] = value;
}

/**
 * Mends what the cross-field rules refuse (quantities over the ceiling, requests over limits, identical probes, min over max
 * replicas, reserved, secret-looking or repeated names, shared Secret keys, a created and an existing
 * Secret, an IP address as Ingress host, an Ingress path the API server refuses), so few generated values are thrown away.
 */
function mended(generated: Values): Values {
  const values = structuredClone(generated);
  for (const component of COMPONENTS) {
    const settings = values[component];
    for (const resource of ['cpu', 'memory'] as const) {
      for (const kind of ['requests', 'limits'] as const) {
        if (crossFieldProblems(values).some(({ path, message }) => path === `${component}.resources.${kind}.${resource}` && message.includes('expected at most "'))) {
          settings.resources[kind][resource] = QUANTITY_CEILING[resource];
        }
      }
      if (crossFieldProblems(values).some(({ path }) => path === `${component}.resources.requests.${resource}`)) {
        settings.resources.requests[resource] = settings.resources.limits[resource];
      }
    }
    const { readiness, liveness } = settings.probes;
    if (JSON.stringify(readiness) === JSON.stringify(liveness)) liveness.periodSeconds = readiness.periodSeconds === 3600 ? 3599 : readiness.periodSeconds + 1;
    settings.autoscaling.minReplicas = Math.min(settings.autoscaling.minReplicas, settings.autoscaling.maxReplicas);
    const names = new Set<string>(reservedEnv(component));
    settings.extraEnv = settings.extraEnv.filter(({ name }) => !names.has(name) && !SECRET_LOOKING_NAME.test(name) && Boolean(names.add(name)));
  }
  for (const key of Object.keys(values.config.extra)) {
    if (RESERVED_CONFIG_KEYS.includes(key) || SECRET_LOOKING_NAME.test(key)) delete values.config.extra[key];
  }
  SECRET_FIELDS.forEach((field, index) => {
    if (SECRET_FIELDS.slice(0, index).some((other) => values.secret.keys[other] === values.secret.keys[field])) values.secret.keys[field] = `${values.secret.keys[field]}-${index}`;
  });
  if (IP_ADDRESS.test(values.frontend.ingress.host)) values.frontend.ingress.host = `h${values.frontend.ingress.host}`;
  if (crossFieldProblems(values).some(({ path }) => path === 'frontend.ingress.path')) values.frontend.ingress.path = '/';
  for (const rule of EMPTY_WHEN_RULES) if (evaluate(rule.when, values)) setAt(values, rule.path.split('.'), rule.empty);
  for (const component of COMPONENTS) {
    const settings = values[component];
    settings.preStopSleepSeconds = Math.min(settings.preStopSleepSeconds, settings.terminationGracePeriodSeconds - 1);
    if (settings.rollingUpdate.maxSurge === 0) settings.rollingUpdate.maxUnavailable = Math.max(settings.rollingUpdate.maxUnavailable, 1);
  }
  values.aiops.kagent.writeTools = [...new Set(values.aiops.kagent.writeTools)];
  if (crossFieldProblems(values).some(({ path }) => path === 'frontend.nextCachePath')) values.frontend.nextCachePath = '/app/.next/cache';
  return values;
}

/** Random valid settings: any values the schema and the cross-field rules accept, any release. */
export const settingsArbitrary: fc.Arbitrary<Settings> = fc
  .record({
    values: (fromSchema(valuesJsonSchema()) as fc.Arbitrary<Values>).map(mended),
    release: fc.record(
      {
        // Long release names too: they are where generated names hit the 63-character limit.
        name: fc.oneof({ weight: 3, arbitrary: text(releaseSchema.shape.name) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{45,51}[a-z0-9]$/) }),
        namespace: text(releaseSchema.shape.namespace).filter((name) => releaseSchema.shape.namespace.safeParse(name).success),
      },
      { noNullPrototype: true },
    ),
  }, { noNullPrototype: true })
  .filter(({ values }) => crossFieldProblems(values).length === 0)
  // Both outputs refuse to create a Secret with an empty value; give one where it is created.
  .map((settings) => {
    const { secret } = settings.values;
    if (!secret.create) return settings;
    const values = Object.fromEntries(Object.entries(secret.values).map(([field, value]) => [field, value || `${field}-value`]));
    return { ...settings, values: { ...settings.values, secret: { ...secret, values: values as typeof secret.values } } };
  });
