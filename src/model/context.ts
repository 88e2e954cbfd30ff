import type { ApiObject } from 'cdk8s';
import type { Component, Release, Values } from '../config/schema';

/**
 * A condition on values. The raw synth evaluates it; the chart prints it as the test of a Helm `if`.
 * Paths are dotted values paths such as "frontend.service.type".
 */
export type Condition =
  | { readonly truthy: string }
  | { readonly equals: readonly [path: string, value: string] }
  | { readonly greaterThan: readonly [path: string, value: number] }
  | { readonly not: Condition }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

/**
 * What the model reads settings through. The same construct code runs with a raw context (concrete
 * values: the manifests) and with a chart context (placeholders: the Helm templates), which is how one
 * model yields both outputs. Model code therefore never branches or computes on `values` directly:
 * it states conditions, joins and derived values through these methods.
 */
export interface ModelContext {
  /** The settings: concrete in the raw synth, placeholders in the chart. */
  readonly values: Values;
  /** Release name and namespace: `helm install NAME -n NAMESPACE` in the chart. */
  readonly release: Release;
  /** `fields` when `condition` holds, else nothing. */
  when<T extends object>(condition: Condition, fields: T): Partial<T>;
  /** Builds the object only when `condition` holds; the chart wraps its template in the condition. */
  whenObject<T extends ApiObject>(condition: Condition, build: () => T): T | undefined;
  /** One of two values. Only for helper bodies (`helper`): the chart prints it as if/else text. */
  choose<T extends string>(condition: Condition, ifTrue: T, ifFalse: T): T;
  /** `fixed` followed by the items of a list-valued setting. */
  concat<T>(fixed: readonly T[], extra: readonly T[]): T[];
  /** `fixed` plus the entries of a map-valued setting. */
  merge<T>(fixed: Readonly<Record<string, T>>, extra: Readonly<Record<string, T>>): Record<string, T>;
  /** A derived value; the chart defines it once in `_helpers.tpl` and `include`s it. */
  helper<T>(name: string, compute: () => T): T;
  /** A value Helm computes with its own functions (checksums, base64, `required`): `raw` computes the same for the manifests. */
  template<T>(raw: () => T, template: string): T;
  /** A number setting where Kubernetes wants a string (an env var value). */
  asText(value: number): string;
  /** Fields only Helm adds (its own labels). */
  chartOnly<T extends object>(fields: T): Partial<T>;
  /** An object that exists for `helm test` (its pods, what lets them through): part of the chart only. */
  helmTest<T extends ApiObject>(build: () => T | undefined): T | undefined;
}

/** Props of a construct that belongs to one component (backend or frontend). */
export interface ComponentProps {
  readonly ctx: ModelContext;
  readonly component: Component;
}

export function valueAtPath(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

/** Helm's truthiness: false, 0, "", null and empty collections are false. */
function helmTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

export function evaluate(condition: Condition, values: Values): boolean {
  if ('truthy' in condition) return helmTruthy(valueAtPath(values, condition.truthy));
  if ('equals' in condition) return valueAtPath(values, condition.equals[0]) === condition.equals[1];
  if ('greaterThan' in condition) return Number(valueAtPath(values, condition.greaterThan[0])) > condition.greaterThan[1];
  if ('not' in condition) return !evaluate(condition.not, values);
  if ('any' in condition) return condition.any.some((part) => evaluate(part, values));
  return condition.all.every((part) => evaluate(part, values));
}

/** The manifests: every method computes with the concrete settings. */
export class RawContext implements ModelContext {
  constructor(
    readonly values: Values,
    readonly release: Release,
  ) {}

  when<T extends object>(condition: Condition, fields: T): Partial<T> {
    return evaluate(condition, this.values) ? fields : {};
  }

  whenObject<T extends ApiObject>(condition: Condition, build: () => T): T | undefined {
    return evaluate(condition, this.values) ? build() : undefined;
  }

  choose<T extends string>(condition: Condition, ifTrue: T, ifFalse: T): T {
    return evaluate(condition, this.values) ? ifTrue : ifFalse;
  }

  concat<T>(fixed: readonly T[], extra: readonly T[]): T[] {
    return [...fixed, ...extra];
  }

  merge<T>(fixed: Readonly<Record<string, T>>, extra: Readonly<Record<string, T>>): Record<string, T> {
    return { ...fixed, ...extra };
  }

  helper<T>(_name: string, compute: () => T): T {
    return compute();
  }

  template<T>(raw: () => T): T {
    return raw();
  }

  asText(value: number): string {
    return String(value);
  }

  chartOnly<T extends object>(): Partial<T> {
    return {};
  }

  helmTest(): undefined {
    return undefined;
  }
}
