import { z } from 'zod';
import { schemaPattern } from './patterns';
import { ADDED_IN, valuesSchema } from './schema';
import { DEFAULT_PROFILE, profiles } from './profiles';

/** A JSON Schema (draft 7) node, as far as this project reads it. */
export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minProperties?: number;
  maxProperties?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  writeOnly?: boolean;
  [keyword: string]: unknown;
}

/**
 * Tidies zod's output for Helm: drops the +-2^53 bounds zod writes on every integer (they say nothing a
 * reader needs) and writes patterns in the form Go's regexp reads.
 */
function tidy(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  if (typeof record.pattern === 'string') record.pattern = schemaPattern(record.pattern);
  Object.values(record).forEach(tidy);
}

/**
 * A key added after an earlier release (ADDED_IN) is not required, and says its default (values.yaml's,
 * the default profile's): the chart reads it where an old release's values lack it.
 */
function markAdded(node: JsonSchema, defaults: unknown): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const fallback = (defaults as Record<string, unknown> | undefined)?.[key];
    if (child[ADDED_IN] !== undefined) {
      node.required = node.required?.filter((name) => name !== key);
      child.default = fallback;
    }
    markAdded(nonNull(child), fallback);
  }
}

function build(): JsonSchema {
  // draft-7: Helm 3 validates with a draft-7 library and rejects unknown drafts.
  const schema = z.toJSONSchema(valuesSchema, { target: 'draft-7' }) as JsonSchema;
  tidy(schema);
  markAdded(schema, profiles[DEFAULT_PROFILE]);
  return schema;
}

let cached: JsonSchema | undefined;

/** The chart's `values.schema.json`, generated from the run-time schema. */
export function valuesJsonSchema(): JsonSchema {
  cached ??= build();
  return cached;
}

/**
 * The keyword that marks a Kubernetes type the pods take as it is (`x-kubernetes-type`: its OpenAPI
 * name): one setting, however many fields it has, for the chart (which writes it whole) and the docs.
 */
export const KUBERNETES_TYPE = 'x-kubernetes-type';

export function isKubernetesType(node: JsonSchema): boolean {
  return nonNull(node)[KUBERNETES_TYPE] !== undefined;
}

/** The sub-schema that governs the value at `path`, or undefined past the schema's reach. */
export function schemaAt(root: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    node = nonNull(node);
    if (typeof segment === 'number') node = node.items;
    else if (node.properties && String(segment) in node.properties) node = node.properties[String(segment)];
    else node = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  }
  return node;
}

/** `anyOf: [X, {type: null}]` is how zod writes a nullable X; any other `anyOf` is a choice of forms and stays. */
export function nonNull(node: JsonSchema): JsonSchema {
  const others = node.anyOf?.filter((option) => option.type !== 'null');
  return others?.length === 1 && others.length < (node.anyOf?.length ?? 0) ? others[0] : node;
}

/** Every setting of a schema: the leaves below its fixed mappings, each with the keys that lead to it. */
export function schemaLeaves(schema: JsonSchema, path: readonly string[] = []): { path: string[]; node: JsonSchema }[] {
  const node = nonNull(schema);
  if (node.type === 'object' && node.properties && !isKubernetesType(node)) return Object.entries(node.properties).flatMap(([key, child]) => schemaLeaves(child, [...path, key]));
  return [{ path: [...path], node: schema }];
}
