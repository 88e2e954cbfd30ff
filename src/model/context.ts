import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { Condition, evaluate, ValuesPath } from '../config/conditions';
import type { Component, Release, Values } from '../config/schema';

export type { Condition, ValuesPath } from '../config/conditions';

/**
 * A value Helm computes from settings, stated as data: the chart context writes its Go text, so no
 * construct spells a `.Values` expression and every setting in one is a checked path.
 */
export type Computation =
  /** A helper of `_helpers.tpl` applied to a setting: `include "<helper>" .Values.<of>`. */
  | { readonly helper: string; readonly of: ValuesPath }
  /** A setting that must be set, base64-encoded (a Secret's data): Helm `fail`s with `message` when it is empty. */
  | { readonly required: ValuesPath; readonly message: string; readonly encode: 'base64' }
  /** The sha256 of another construct's object as the chart renders it: a pod template's checksum of its ConfigMap. */
  | { readonly checksumOf: Construct };

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
  /** A derived value; the chart defines it once in `_helpers.tpl`, under a comment saying what it is (`description`), and `include`s it. */
  helper<T>(name: string, description: string, compute: () => T): T;
  /** A value Helm computes from settings (`computation`); `raw` computes the same for the manifests. */
  computed<T>(raw: () => T, computation: Computation): T;
  /**
   * A value Helm computes from the release or the chart alone (`.Release.Name | trunc 63`): for the
   * helpers of `_helpers.tpl` (helpers.ts). A setting is never named here: that is `computed`'s job.
   */
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

  helper<T>(_name: string, _description: string, compute: () => T): T {
    return compute();
  }

  computed<T>(raw: () => T): T {
    return raw();
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
