import { readFileSync } from 'node:fs';
import { crdProblems, isImportedKind } from './crd-schema';
import type { KubeObject } from '../model/k8s';

/**
 * Validation of Kubernetes objects against the API's OpenAPI schemas, in two passes:
 * - `kubernetes-models` checks types, enums, formats and required fields (its validators are compiled
 *   from the OpenAPI schemas), but lets unknown fields through;
 * - a strict pass over cdk8s-plus-28's type model (its `.jsii` assembly, generated from the Kubernetes
 *   1.28 OpenAPI schemas) refuses every field the API does not define, as `kubectl --validate=strict`
 *   and the API server's strict field validation do.
 */
type JsiiType = { primitive: string } | { collection: { kind: 'array' | 'map'; elementtype: JsiiType } } | { fqn: string } | { union: { types: JsiiType[] } };

interface JsiiDefinition {
  readonly kind: 'class' | 'interface' | 'enum';
  readonly properties?: readonly { readonly name: string; readonly type: JsiiType }[];
  readonly docs?: { readonly custom?: { readonly schema?: string } };
}

let assembly: Record<string, JsiiDefinition> | undefined;

function types(): Record<string, JsiiDefinition> {
  assembly ??= JSON.parse(readFileSync(require.resolve('cdk8s-plus-28/.jsii'), 'utf8')).types as Record<string, JsiiDefinition>;
  return assembly;
}

/** The OpenAPI definition name of a kind: apps/v1 Deployment -> io.k8s.api.apps.v1.Deployment. */
function schemaName({ apiVersion, kind }: KubeObject): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `io.k8s.api.${group.replace(/\.k8s\.io$/, '')}.${version}.${kind}`;
}

let propsTypes: Map<string, string> | undefined;

/** The L1 props type of a kind (io.k8s.api.apps.v1.Deployment -> ...k8s.KubeDeploymentProps), indexed once. */
function propsTypeOf(object: KubeObject): string | undefined {
  propsTypes ??= new Map(
    Object.entries(types())
      .filter(([, definition]) => definition.kind === 'class' && definition.docs?.custom?.schema)
      .map(([fqn, definition]) => [definition.docs?.custom?.schema as string, `${fqn}Props`]),
  );
  return propsTypes.get(schemaName(object));
}

let apiSpellings: Map<string, Set<string>> | undefined;

/**
 * The names the API gives a property of the type model. jsii spells an acronym as a word (the API's
 * downwardAPI is downwardApi, hostIPC hostIpc, clusterIP clusterIp): the API's spelling is read from the
 * toJson functions cdk8s generated beside the model (`'downwardAPI': ...(obj.downwardApi)`). Matching
 * stays exact, as the API server's is: readOnlyRootFileSystem is not readOnlyRootFilesystem.
 */
function apiNames(jsiiName: string): ReadonlySet<string> {
  if (!apiSpellings) {
    apiSpellings = new Map();
    const generated = readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
    for (const [, apiName, modelName] of generated.matchAll(/'([^']+)': [^\n]*?\bobj\.(\w+)\b/g)) {
      apiSpellings.set(modelName, (apiSpellings.get(modelName) ?? new Set()).add(apiName));
    }
  }
  return apiSpellings.get(jsiiName) ?? new Set([jsiiName]);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}

function strictWalk(value: unknown, type: JsiiType, path: string, problems: string[]): void {
  if ('primitive' in type) {
    const expected = type.primitive;
    if (expected === 'string' || expected === 'number' || expected === 'boolean') {
      if (typeof value !== expected) problems.push(`${path}: expected ${expected}, got ${describe(value)}`);
    }
    return;
  }
  if ('union' in type) return;
  if ('collection' in type) {
    const { kind, elementtype } = type.collection;
    if (kind === 'array') {
      if (!Array.isArray(value)) return void problems.push(`${path}: expected a list, got ${describe(value)}`);
      value.forEach((item, index) => strictWalk(item, elementtype, `${path}[${index}]`, problems));
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${path}: expected a map, got ${describe(value)}`);
      for (const [key, item] of Object.entries(value)) strictWalk(item, elementtype, `${path}.${key}`, problems);
    }
    return;
  }
  const definition = types()[type.fqn];
  if (!definition || definition.kind !== 'interface') {
    // IntOrString and Quantity are classes over a string or a number.
    if (typeof value !== 'string' && typeof value !== 'number') problems.push(`${path}: expected a string or a number, got ${describe(value)}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${path}: expected an object, got ${describe(value)}`);
  for (const [key, item] of Object.entries(value)) {
    const property = definition.properties?.find(({ name }) => apiNames(name).has(key));
    if (!property) problems.push(`${path ? `${path}.` : ''}${key}: unknown field`);
    else strictWalk(item, property.type, path ? `${path}.${key}` : key, problems);
  }
}

/** Fields the Kubernetes API does not define, and values of the wrong JSON type. */
export function unknownFieldProblems(object: KubeObject): string[] {
  const propsType = propsTypeOf(object);
  if (!propsType) return [`${object.apiVersion} ${object.kind} is not a Kubernetes 1.28 kind`];
  const { apiVersion: _apiVersion, kind: _kind, ...fields } = object;
  const problems: string[] = [];
  strictWalk(fields, { fqn: propsType }, '', problems);
  return problems;
}

interface Model {
  validate(): void;
}

/** Types, enums, formats and required fields, by kubernetes-models' validators. */
export function openApiProblems(object: KubeObject): string[] {
  let Model: new (data: unknown) => Model;
  try {
    Model = require(`kubernetes-models/${object.apiVersion}/${object.kind}`)[object.kind];
  } catch {
    return [`${object.apiVersion} ${object.kind}: no schema in kubernetes-models`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath: string; message: string }[] }).errors;
    return details ? details.map(({ instancePath, message }) => `${instancePath.slice(1).replace(/\//g, '.') || '(object)'}: ${message}`) : [(error as Error).message];
  }
}

/** Every schema problem of one object (a custom resource against its imported CRD), each line prefixed with the object. */
export function schemaProblems(object: KubeObject): string[] {
  const name = `${object.kind}/${object.metadata?.name ?? '(unnamed)'}`;
  const problems = isImportedKind(object) ? crdProblems(object) : [...openApiProblems(object), ...unknownFieldProblems(object)];
  return problems.map((problem) => `${name}: ${problem}`);
}
