import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { isKubernetesType, JsonSchema, nonNull, schemaAt } from '../../config/json-schema';
import { ADDED_IN, Release, Values } from '../../config/schema';
import { Computation, Condition, ModelContext, ValuesPath } from '../../model/context';
import { RESOURCE_ID } from '../../model/k8s';

/*
 * The chart context runs the model with placeholders instead of settings. A placeholder is a marker
 * string, `\uE000kind:argument\uE001` (private-use characters; in chart mode every setting is a placeholder, so no user text is ever mistaken for one) that
 * survives cdk8s synthesis wherever a string, number or object would go; the template writer turns
 * each one into a Helm expression.
 */
export const PLACEHOLDER_START = '\uE000';
const PLACEHOLDER_END = '\uE001';

export const MARKER = /\uE000([a-z]+):([^\uE001]*)\uE001/g;

export type MarkerKind =
  | 'value' // a values path: .Values.<path>
  | 'release' // Name or Namespace: .Release.<field>
  | 'include' // a helper name
  | 'template' // an index into `templates`
  | 'choice' // an index into `choices`
  | 'text' // a values path whose number is wanted as a string
  | 'if'; // an index into `conditions`, prefixed to a map key

export function marker(kind: MarkerKind, argument: string | number): string {
  return `${PLACEHOLDER_START}${kind}:${argument}${PLACEHOLDER_END}`;
}

/**
 * A placeholder in the place of a value of type T (a marker, or a setting's placeholder, which
 * holds one): the model builds objects with it as if it were the value, and the template writer turns
 * it into the Go text that computes the value. The chart context's one cast.
 */
function standIn<T>(placeholder: unknown): T {
  return placeholder as T;
}

/** The single marker that makes up all of `text`, if it is one. */
export function wholeMarker(text: string): { kind: MarkerKind; argument: string } | undefined {
  const match = new RegExp(`^${MARKER.source}$`).exec(text);
  return match ? { kind: match[1] as MarkerKind, argument: match[2] } : undefined;
}

/** A map key guarded by a condition: the marker, then the real key. */
export function splitConditionalKey(key: string): { condition: string; key: string } | undefined {
  const match = /^\uE000if:([0-9]+)\uE001(.*)$/s.exec(key);
  return match ? { condition: match[1], key: match[2] } : undefined;
}

export interface Choice {
  readonly condition: string;
  readonly ifTrue: string;
  readonly ifFalse: string;
}

/**
 * The template file of a construct's object, from its path in its chart: backend/deployment is
 * templates/backend-deployment.yaml; a `helm test` hook goes to templates/tests/, named after its own
 * construct.
 */
export function templateFile(construct: Construct, isTest = false): string {
  const segments = construct.node.scopes
    .slice(Chart.of(construct).node.scopes.length)
    .map((scope) => scope.node.id)
    .filter((id) => id !== RESOURCE_ID);
  return isTest ? `templates/tests/${segments[segments.length - 1]}.yaml` : `templates/${segments.join('-')}.yaml`;
}

/** The comment above a helper's `define` in `_helpers.tpl`, saying what it is. */
export function helperComment(description: string): string {
  if (description.includes('*/')) throw new Error(`a helper's description cannot hold "*/": ${description}`);
  return `{{/* ${description} */}}`;
}

export interface HelperDefinition {
  readonly name: string;
  /** What the helper is, for the comment above its `define`. */
  readonly description: string;
  readonly body: unknown;
}

/** Placeholders for every setting, shaped as `Values`: a marker at each leaf of the schema. */
function placeholders(schema: JsonSchema, path: string[]): unknown {
  const node = nonNull(schema);
  if (node.type === 'object' && node.properties && !isKubernetesType(node)) {
    return Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, placeholders(child, [...path, key])]));
  }
  return marker('value', path.join('.'));
}

/** A value as a Go template literal: a collection through Helm's `fromJson` (a mapping) or `fromJsonArray`. */
function goLiteral(value: unknown): string {
  if (value === undefined || value === null) return 'nil';
  if (typeof value === 'object') return `(${Array.isArray(value) ? 'fromJsonArray' : 'fromJson'} ${JSON.stringify(JSON.stringify(value))})`;
  return JSON.stringify(value);
}

/**
 * A setting as Go text: `.Values.<path>`, or, at or below a key added after an earlier release
 * (ADDED_IN), a `dig` that gives the default where the key is missing. `helm upgrade --reuse-values`
 * from that release renders with the release's values, which lack the key: `.Values.a.b` of a missing
 * `a` fails, and a missing number would read as 0.
 */
export function valuesExpression(schema: JsonSchema, path: string): string {
  const keys = path.split('.');
  const added = keys.findIndex((_, index) => schemaAt(schema, keys.slice(0, index + 1))?.[ADDED_IN] !== undefined);
  if (added < 0) return `.Values.${path}`;
  const fallback = keys.slice(added + 1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], schemaAt(schema, keys.slice(0, added + 1))?.default);
  return `(dig ${keys.map((key) => JSON.stringify(key)).join(' ')} ${goLiteral(fallback)} .Values.AsMap)`;
}

/** A condition as the test of a Helm `if`, each setting written by `reference`. */
export function helmCondition(condition: Condition, reference: (path: ValuesPath) => string): string {
  const part = (inner: Condition) => helmCondition(inner, reference);
  if ('truthy' in condition) return reference(condition.truthy);
  if ('equals' in condition) return `eq ${reference(condition.equals[0])} ${JSON.stringify(condition.equals[1])}`;
  if ('greaterThan' in condition) return `gt (int ${reference(condition.greaterThan[0])}) ${condition.greaterThan[1]}`;
  if ('matches' in condition) return `regexMatch ${JSON.stringify(condition.matches[1].source)} ${reference(condition.matches[0])}`;
  if ('not' in condition) return `not (${part(condition.not)})`;
  const [operator, parts] = 'any' in condition ? ['or', condition.any] : ['and', condition.all];
  return `${operator} ${parts.map((inner) => `(${part(inner)})`).join(' ')}`;
}

export class ChartContext implements ModelContext {
  readonly values: Values;
  readonly release: Release = { name: marker('release', 'Name'), namespace: marker('release', 'Namespace') };
  readonly conditions: string[] = [];
  readonly templates: string[] = [];
  readonly choices: Choice[] = [];
  readonly helpers = new Map<string, HelperDefinition>();
  /** Objects whose whole template is conditional, with the condition's index. */
  readonly objectConditions = new Map<ApiObject, string>();
  readonly tests = new Set<ApiObject>();

  constructor(readonly schema: JsonSchema) {
    this.values = placeholders(schema, []) as Values;
  }

  /** The schema node of a values path. */
  schemaAt(path: string): JsonSchema | undefined {
    let node: JsonSchema | undefined = this.schema;
    for (const key of path.split('.')) node = node && nonNull(node).properties?.[key];
    return node;
  }

  /** The schema type at a values path ("string", "integer", "object", ...). */
  typeAt(path: string): string | undefined {
    const node = this.schemaAt(path);
    return node && nonNull(node).type;
  }

  /**
   * `.Values.<path>`, for a path the schema resolves. The types check every path a construct writes;
   * this catches one made at run time (a cast, a key built from a list) before Helm would read it as
   * nil and both outputs quietly agree on nothing.
   */
  private valuesReference(path: ValuesPath): string {
    if (!this.schemaAt(path)) throw new Error(`chart context: ${JSON.stringify(path)} is no path of the values schema`);
    return valuesExpression(this.schema, path);
  }

  /** A condition as the test of a Helm `if`. */
  renderCondition(condition: Condition): string {
    return helmCondition(condition, (path) => this.valuesReference(path));
  }

  private register(condition: Condition): string {
    this.conditions.push(this.renderCondition(condition));
    return String(this.conditions.length - 1);
  }

  when<T extends object>(condition: Condition, fields: T): Partial<T> {
    const id = this.register(condition);
    return Object.fromEntries(Object.entries(fields).map(([key, value]) => [`${marker('if', id)}${key}`, value])) as Partial<T>;
  }

  whenObject<T extends ApiObject>(condition: Condition, build: () => T): T {
    const object = build();
    this.objectConditions.set(object, this.register(condition));
    return object;
  }

  choose<T extends string>(condition: Condition, ifTrue: T, ifFalse: T): T {
    this.choices.push({ condition: this.renderCondition(condition), ifTrue, ifFalse });
    return marker('choice', this.choices.length - 1) as T;
  }

  concat<T>(fixed: readonly T[], extra: readonly T[]): T[] {
    // The list setting stays one marker item; the writer spreads it with toYaml.
    return [...fixed, standIn<T>(extra)];
  }

  merge<T>(fixed: Readonly<Record<string, T>>, extra: Readonly<Record<string, T>>): Record<string, T> {
    // The map setting becomes a key of its own; the writer spreads it with toYaml.
    return { ...fixed, [standIn<string>(extra)]: standIn<T>(null) };
  }

  helper<T>(name: string, description: string, compute: () => T): T {
    if (!this.helpers.has(name)) this.helpers.set(name, { name, description, body: compute() });
    return standIn<T>(marker('include', name));
  }

  /** A computation's Go text: Go's string literals take JSON's escapes. */
  private renderComputation(computation: Computation): string {
    if ('helper' in computation) return `include ${JSON.stringify(computation.helper)} ${this.valuesReference(computation.of)}`;
    if ('required' in computation) return `required ${JSON.stringify(computation.message)} ${this.valuesReference(computation.required)} | b64enc`;
    const file = templateFile(computation.checksumOf).replace(/^templates/, '');
    return `include (print $.Template.BasePath ${JSON.stringify(file)}) . | sha256sum`;
  }

  private addTemplate<T>(template: string): T {
    this.templates.push(template);
    return standIn<T>(marker('template', this.templates.length - 1));
  }

  computed<T>(_raw: () => T, computation: Computation): T {
    return this.addTemplate(this.renderComputation(computation));
  }

  template<T>(_raw: () => T, template: string): T {
    if (template.includes('.Values')) throw new Error(`chart context: a template names settings only through computed(), which checks their paths; got ${JSON.stringify(template)}`);
    return this.addTemplate(template);
  }

  asText(value: number): string {
    const placeholder = wholeMarker(String(value));
    if (placeholder?.kind !== 'value') throw new Error(`asText takes a number setting, got ${String(value)}`);
    return marker('text', placeholder.argument);
  }

  chartOnly<T extends object>(fields: T): Partial<T> {
    return fields;
  }

  helmTest<T extends ApiObject>(build: () => T | undefined): T | undefined {
    const object = build();
    if (object) this.tests.add(object);
    return object;
  }
}
