import { z } from 'zod';
import { valuesSchema } from './schema';

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
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  [keyword: string]: unknown;
}

/** Zod writes +-2^53 bounds on every integer; they say nothing a reader needs. */
function dropSafeIntegerBounds(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  Object.values(record).forEach(dropSafeIntegerBounds);
}

function build(): JsonSchema {
  // draft-7: Helm 3 validates with a draft-7 library and rejects unknown drafts.
  const schema = z.toJSONSchema(valuesSchema, { target: 'draft-7' }) as JsonSchema;
  dropSafeIntegerBounds(schema);
  return schema;
}

let cached: JsonSchema | undefined;

/** The chart's `values.schema.json`, generated from the run-time schema. */
export function valuesJsonSchema(): JsonSchema {
  cached ??= build();
  return cached;
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

/** `anyOf: [X, {type: null}]` is how zod writes a nullable X. */
export function nonNull(node: JsonSchema): JsonSchema {
  return node.anyOf?.find((option) => option.type !== 'null') ?? node;
}
