import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { IMPORTED_CRDS } from '../imports/crd-bindings';

/**
 * Validation of custom resources (kagent's Agent) against their CRD's `openAPIV3Schema`, with a real
 * JSON Schema validator (Ajv). As the API server does with `--validate=strict`, a field the schema does
 * not define is refused wherever the CRD does not preserve unknown fields. The CRD's CEL rules
 * (`x-kubernetes-validations`) that apply to what we emit are mirrored in CEL_RULES and checked too.
 */

const ROOT = join(__dirname, '..', '..');

type Schema = { [keyword: string]: any };

/** The schema as the API server enforces it: closed objects unless x-kubernetes-preserve-unknown-fields. */
function strict(node: Schema): Schema {
  if (typeof node !== 'object' || node === null) return node;
  const copy: Schema = Array.isArray(node) ? node.map(strict) : Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === 'properties' ? mapValues(value, strict) : strict(value)]));
  if (!Array.isArray(node) && node.type === 'object' && node.properties && !node['x-kubernetes-preserve-unknown-fields'] && node.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

const mapValues = (map: Record<string, Schema>, change: (value: Schema) => Schema) => Object.fromEntries(Object.entries(map).map(([key, value]) => [key, change(value)]));

/**
 * A CEL rule of the CRD, mirrored here: `rule` is the CRD's text exactly (a test checks it is still in
 * the CRD), `at` the schema path it is attached to, `holds` our reading of it on the value at that path.
 */
export interface MirroredCelRule {
  readonly kind: string;
  readonly at: string;
  readonly rule: string;
  readonly message: string;
  holds(value: any): boolean;
}

const has = (value: any, field: string) => value !== null && typeof value === 'object' && value[field] !== undefined;

/** kagent v0.9.12 Agent's CEL rules on the parts of the Agent we emit (spec, spec.declarative, its tools). */
export const CEL_RULES: readonly MirroredCelRule[] = [
  { kind: 'Agent', at: 'spec', rule: 'has(self.type)', message: 'type must be specified', holds: (spec) => has(spec, 'type') },
  { kind: 'Agent', at: 'spec', rule: "self.type == 'Declarative' || self.type == 'BYO'", message: 'type must be either Declarative or BYO', holds: (spec) => ['Declarative', 'BYO'].includes(spec.type) },
  {
    kind: 'Agent',
    at: 'spec',
    rule: "(self.type == 'Declarative' && has(self.declarative)) || (self.type == 'BYO' && has(self.byo))",
    message: 'declarative must be specified if type is Declarative, or byo must be specified if type is BYO',
    holds: (spec) => (spec.type === 'Declarative' && has(spec, 'declarative')) || (spec.type === 'BYO' && has(spec, 'byo')),
  },
  {
    kind: 'Agent',
    at: 'spec.declarative',
    rule: '!has(self.systemMessage) || !has(self.systemMessageFrom)',
    message: 'systemMessage and systemMessageFrom are mutually exclusive',
    holds: (declarative) => !has(declarative, 'systemMessage') || !has(declarative, 'systemMessageFrom'),
  },
  { kind: 'Agent', at: 'spec.declarative.tools[]', rule: "!(has(self.mcpServer) && self.type != 'McpServer')", message: 'type.mcpServer must be nil if the type is not McpServer', holds: (tool) => !(has(tool, 'mcpServer') && tool.type !== 'McpServer') },
  { kind: 'Agent', at: 'spec.declarative.tools[]', rule: "!(!has(self.mcpServer) && self.type == 'McpServer')", message: 'type.mcpServer must be specified for McpServer filter.type', holds: (tool) => !(!has(tool, 'mcpServer') && tool.type === 'McpServer') },
  { kind: 'Agent', at: 'spec.declarative.tools[]', rule: "!(has(self.agent) && self.type != 'Agent')", message: 'type.agent must be nil if the type is not Agent', holds: (tool) => !(has(tool, 'agent') && tool.type !== 'Agent') },
  { kind: 'Agent', at: 'spec.declarative.tools[]', rule: "!(!has(self.agent) && self.type == 'Agent')", message: 'type.agent must be specified for Agent filter.type', holds: (tool) => !(!has(tool, 'agent') && tool.type === 'Agent') },
  {
    kind: 'Agent',
    at: 'spec.declarative.tools[].mcpServer',
    rule: '!has(self.requireApproval) || self.requireApproval.all(x, has(self.toolNames) && x in self.toolNames)',
    message: 'each RequireApproval entry must also appear in ToolNames',
    holds: (server) => !has(server, 'requireApproval') || server.requireApproval.every((name: string) => has(server, 'toolNames') && server.toolNames.includes(name)),
  },
];

/** The values at a rule's path (`a.b[].c`: every item of the list a.b, then its c); absent parts yield nothing. */
export function valuesAt(object: any, path: string): any[] {
  return path.split('.').reduce<any[]>(
    (values, step) =>
      values.flatMap((value) => {
        const [field, list] = step.endsWith('[]') ? [step.slice(0, -2), true] : [step, false];
        const next = value?.[field];
        if (next === undefined) return [];
        return list ? (Array.isArray(next) ? next : []) : [next];
      }),
    [object],
  );
}

interface CrdVersion {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly schema: Schema;
}

let parsedCrds: readonly CrdVersion[] | undefined;

/**
 * The versions of the imported CRDs we emit, with their schemas as the API server enforces them. Read
 * once per process: parsing kagent's 950 KB of YAML takes about 0.3 s. The schemas are shared: read them, never change them.
 */
export function crdVersions(): readonly CrdVersion[] {
  parsedCrds ??= IMPORTED_CRDS.map(({ file, version }) => {
    const crd = parse(readFileSync(join(ROOT, file), 'utf8'));
    const served = crd.spec.versions.find((candidate: { name: string }) => candidate.name === version);
    return { group: crd.spec.group, kind: crd.spec.names.kind, version, schema: served.schema.openAPIV3Schema };
  });
  return parsedCrds;
}

let validators: Map<string, ValidateFunction> | undefined;

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  validators ??= new Map(
    crdVersions().map(({ group, kind: crdKind, version, schema }) => {
      // x-kubernetes-* keywords and OpenAPI formats (int32, date-time) are the API server's, not JSON Schema's.
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      return [`${group}/${version} ${crdKind}`, ajv.compile(strict(schema))];
    }),
  );
  return validators.get(`${apiVersion} ${kind}`);
}

/** Whether this apiVersion and kind is one of the custom resources we validate here (no CRD is read to tell). */
export function isImportedKind(object: { apiVersion: string; kind: string }): boolean {
  return IMPORTED_CRDS.some(({ group, kind, version }) => object.apiVersion === `${group}/${version}` && object.kind === kind);
}

/** Schema and CEL problems of one custom resource, as `path: message` lines. */
export function crdProblems(object: { apiVersion: string; kind: string }): string[] {
  const validate = validatorFor(object.apiVersion, object.kind);
  if (!validate) return [`${object.apiVersion} ${object.kind}: no imported CRD`];
  const problems = validate(object)
    ? []
    : (validate.errors ?? []).map(({ instancePath, message, params }) => {
        const path = instancePath.slice(1).replace(/\//g, '.');
        return 'additionalProperty' in params ? `${path ? `${path}.` : ''}${params.additionalProperty as string}: unknown field` : `${path || '(object)'}: ${message}`;
      });
  const cel = CEL_RULES.filter((rule) => rule.kind === object.kind).flatMap((rule) => valuesAt(object, rule.at).filter((value) => !rule.holds(value)).map(() => `${rule.at}: ${rule.message}`));
  return [...problems, ...cel];
}
