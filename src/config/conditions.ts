import type { Values } from './schema';

/*
 * Conditions on settings, and the paths they name. The synth's checks and the model read them the same
 * way: the raw context evaluates them here, the chart writes them as the test of a Helm `if`.
 */

/** What a values path ends at: a setting that is no mapping of named fields. */
type Leaf = string | number | boolean | null | undefined | readonly unknown[];

/**
 * Every dotted path into `T`'s named fields ("frontend.service.type"); a map setting (string keys
 * of the user's choosing, such as `config.extra`) is a path itself, its entries are not.
 */
export type DottedPaths<T> = T extends Leaf ? never : { [K in KnownKeys<T>]: K | `${K}.${DottedPaths<NonNullable<T[K]>>}` }[KnownKeys<T>];

/** The named fields of `T`, without an index signature's `string` (a loose mapping such as `global` has both). */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: unknown } & keyof T & string;

/** A settings path the type system checks: misspelt, it fails `tsc`. */
export type ValuesPath = DottedPaths<Values>;

/**
 * A condition on values. The raw synth evaluates it; the chart prints it as the test of a Helm `if`.
 */
export type Condition =
  | { readonly truthy: ValuesPath }
  | { readonly equals: readonly [path: ValuesPath, value: string] }
  | { readonly greaterThan: readonly [path: ValuesPath, value: number] }
  /** The setting matches a pattern (RE2 and JavaScript read it alike: no lookaround, no flags). */
  | { readonly matches: readonly [path: ValuesPath, pattern: RegExp] }
  | { readonly not: Condition }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

export function valueAtPath(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

/** Helm's truthiness: false, 0, "", null and empty collections are false. */
export function helmTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

export function evaluate(condition: Condition, values: Values): boolean {
  if ('truthy' in condition) return helmTruthy(valueAtPath(values, condition.truthy));
  if ('equals' in condition) return valueAtPath(values, condition.equals[0]) === condition.equals[1];
  if ('greaterThan' in condition) return Number(valueAtPath(values, condition.greaterThan[0])) > condition.greaterThan[1];
  if ('matches' in condition) return condition.matches[1].test(String(valueAtPath(values, condition.matches[0])));
  if ('not' in condition) return !evaluate(condition.not, values);
  if ('any' in condition) return condition.any.some((part) => evaluate(part, values));
  return condition.all.every((part) => evaluate(part, values));
}
