import fc from 'fast-check';
import { JsonSchema, nonNull, valuesJsonSchema } from '../../src/config/json-schema';
import { Settings } from '../../src/config/load';
import { evaluate, valueAtPath } from '../../src/config/conditions';
import { breaksOrder, CROSS_FIELD_RULES, CrossFieldRule, crossFieldProblems, distinctEntries, pathsOverlap, userNameRefusal } from '../../src/config/rules';
import { releaseSchema, Values } from '../../src/config/schema';
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

/** Words YAML 1.1 (kubectl, and Helm's toYaml) reads as no string: where a format lets one through, it must stay a string. */
const YAML_KEYWORDS = ['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', 'null', '1', '012', '0o17', '0b101', '0x1F', '1e3', '1e310', '1.0', '1_000', '1-2', '.inf', '.NaN', '2026-12-04'];

function patterned(node: JsonSchema): fc.Arbitrary<string> {
  const [min, max] = [node.minLength ?? 0, node.maxLength ?? 253];
  const key = `${min}\0${max}\0${node.pattern ?? ''}`;
  let arbitrary = patternedBy.get(key);
  if (!arbitrary) {
    const pattern = new RegExp(node.pattern ?? '');
    const fits = (text: string) => text.length >= min && text.length <= max;
    const matching = fc.stringMatching(pattern).filter(fits);
    const keywords = YAML_KEYWORDS.filter((word) => pattern.test(word) && fits(word));
    arbitrary = keywords.length > 0 ? fc.oneof({ weight: 4, arbitrary: matching }, { weight: 1, arbitrary: fc.constantFrom(...keywords) }) : matching;
    patternedBy.set(key, arbitrary);
  }
  return arbitrary;
}

/** Random values valid against a JSON schema node, derived from the schema itself. */
export function fromSchema(schemaNode: JsonSchema): fc.Arbitrary<unknown> {
  const node = nonNull(schemaNode);
  const value = ((): fc.Arbitrary<unknown> => {
    if (node.anyOf) return fc.oneof(...node.anyOf.map(fromSchema));
    if (node.const !== undefined) return fc.constant(node.const);
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
          const record = fc.record(Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, fromSchema(child)])), {
            // A key with a default is left out only by an earlier release's values (--reuse-values): the settings always have it.
            requiredKeys: Object.keys(node.properties).filter((key) => node.required?.includes(key) || node.properties?.[key].default !== undefined),
            noNullPrototype: true,
          });
          return node.minProperties ? record.filter((value) => Object.keys(value).length >= (node.minProperties ?? 0)) : record;
        }
        return fc.dictionary(patterned(node.propertyNames ?? {}), fromSchema(node.additionalProperties as JsonSchema), { minKeys: node.minProperties ?? 0, maxKeys: 3, noNullPrototype: true });
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

/** Makes `values` follow one cross-field rule, keeping as much of what was generated as it can. */
function mend(rule: CrossFieldRule, values: Values): void {
  const path = (at: string) => at.split('.');
  switch (rule.kind) {
    case 'emptyWhen':
      if (evaluate(rule.when, values)) setAt(values, path(rule.path), rule.empty);
      return;
    case 'order': {
      if (rule.when && !evaluate(rule.when.condition, values)) return;
      const bound = 'path' in rule.bound ? valueAtPath(values, rule.bound.path) : rule.bound.value;
      if (!breaksOrder(rule, valueAtPath(values, rule.path), bound)) return;
      // A quantity takes its bound (the rules only cap quantities); a count the nearest it may be.
      setAt(values, path(rule.path), rule.measure === 'count' ? Number(bound) + { atMost: 0, lessThan: -1, moreThan: 1 }[rule.relation] : bound);
      return;
    }
    case 'distinct': {
      // Each repeat goes: a list item or a key is dropped, a named setting's value gets a suffix.
      const seen = new Set<string>();
      const repeats = new Set<string>();
      for (const [at, value] of distinctEntries(rule, values)) {
        if (seen.has(JSON.stringify(value))) repeats.add(at);
        seen.add(JSON.stringify(value));
      }
      for (const source of rule.among) {
        if ('path' in source) {
          if (repeats.has(source.path)) setAt(values, path(source.path), `${valueAtPath(values, source.path)}-${repeats.size}`);
        } else if ('keysOf' in source) {
          const mapping = valueAtPath(values, source.keysOf) as Record<string, unknown>;
          for (const key of Object.keys(mapping)) if (repeats.has(`${source.keysOf}.${key}`)) delete mapping[key];
        } else {
          const items = valueAtPath(values, source.list) as unknown[];
          setAt(values, path(source.list), items.filter((_, index) => ![...repeats].some((at) => at.startsWith(`${source.list}[${index}]`))));
        }
      }
      return;
    }
    case 'userName': {
      const refused = (name: string) => userNameRefusal(rule, name) !== undefined;
      const { names } = rule;
      if ('keysOf' in names) {
        const mapping = valueAtPath(values, names.keysOf) as Record<string, unknown>;
        for (const key of Object.keys(mapping)) if (refused(key)) delete mapping[key];
      } else {
        setAt(values, path(names.list), (valueAtPath(values, names.list) as Record<string, string>[]).filter((item) => !refused(item[names.field])));
      }
      return;
    }
    case 'refused':
      if (rule.refused.test(String(valueAtPath(values, rule.path)))) setAt(values, path(rule.path), rule.instead);
      return;
    case 'differ':
      if (JSON.stringify(valueAtPath(values, rule.path)) === JSON.stringify(valueAtPath(values, rule.from))) rule.mend(values);
      return;
    case 'oneKeyOf': {
      // Each item keeps one of the keys it has (the schema generates no others), picked by the item's own
      // text so that every key is kept as often (keeping the first kept configMap 9 times in 10 and
      // downwardAPI never); an item with none goes.
      const items = valueAtPath(values, rule.list) as Record<string, unknown>[];
      const mendedItems = items.flatMap((item) => {
        const present = rule.keys.filter((key) => key in item);
        if (present.length === 0) return [];
        const kept = present[[...JSON.stringify(item)].reduce((sum, character) => (sum * 31 + character.charCodeAt(0)) % 1_000_003, 0) % present.length];
        return [Object.fromEntries(Object.entries(item).filter(([key]) => rule.besides.includes(key) || key === kept))];
      });
      setAt(values, path(rule.list), mendedItems);
      return;
    }
    case 'separatePaths':
      // An item whose path overlaps any earlier one goes; the first always stays, so no list is left empty.
      for (const item of valueAtPath(values, rule.list) as Record<string, { items?: { path: string }[] } | undefined>[]) {
        for (const key of rule.within) {
          const source = item[key];
          if (source?.items) source.items = source.items.filter((entry, index, items) => !items.slice(0, index).some((other) => pathsOverlap(entry.path, other.path)));
        }
      }
      return;
    case 'memberOf': {
      // A name that is none of them becomes one of them, in turn; with none to name, the items go.
      const names = [...rule.fixed, ...(valueAtPath(values, rule.of.list) as Record<string, string>[]).map((item) => item[rule.of.field])];
      const items = valueAtPath(values, rule.list) as Record<string, string>[];
      setAt(values, path(rule.list), names.length === 0 ? [] : items.map((item, index) => (names.includes(item[rule.field]) ? item : { ...item, [rule.field]: names[index % names.length] })));
    }
  }
}

/** Generated values made to follow every cross-field rule, in the rules' order, so few are thrown away. */
function mended(generated: Values): Values {
  const values = structuredClone(generated);
  for (const rule of CROSS_FIELD_RULES) mend(rule, values);
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
