import { version as chartVersion } from '../../package.json';
import { CHART_NAME } from '../model/helpers';
import { profiles } from '../config/profiles';
import { DEFAULT_RELEASE, Settings } from '../config/load';
import { deepMerge } from '../config/merge';
import { PEERS, POLICY_RULES } from '../policy/rules';
import { synthObjects } from '../outputs/raw';
import { unambiguousYaml } from '../outputs/yaml';
import { CROSS_FIELD_RULES, CrossFieldRule, differLine, DistinctSource, distinctLine, emptyWhenLine, memberOfLine, oneKeyOfLines, orderLine, refusedLine, separatePathsLine, userNameLines } from '../config/rules';
import type { KubeObject } from '../model/k8s';
import { markdownCell as cell, valuesTable } from '../outputs/values-table';

/*
 * Documentation generated from the model (`npm run docs`): the values reference (the chart's README
 * has it too) and the rules between settings in README.md, the architecture diagram and the policy
 * rule list. A test fails when the committed files are stale.
 */

/** The rules of src/policy/rules.ts as a table, with the peers' checks that judge the same thing. */
export function policyTable(): string {
  const checks = (ids: readonly string[] = []) => (ids.length === 0 ? '-' : ids.map((id) => `\`${id}\``).join(', '));
  const rows = POLICY_RULES.map((rule) => `| \`${rule.id}\` | ${cell(rule.description)} | ${PEERS.map((peer) => checks(rule.peers[peer])).join(' | ')} | ${cell(rule.source)} |`);
  return [`| Rule | What it checks | ${PEERS.join(' | ')} | Also |`, `|---|---|${PEERS.map(() => '---|').join('')}---|`, ...rows].join('\n');
}

/** The settings a distinct rule takes its values from, as a path pattern. */
function sourcePattern(source: DistinctSource): string {
  if ('path' in source) return source.path;
  if ('keysOf' in source) return `${source.keysOf}.<key>`;
  return `${source.list}[<i>]${source.field ? `.${source.field}` : ''}`;
}

/** A rule's refusal lines, with the values it shows written as <value>. */
function ruleLines(rule: CrossFieldRule): string[] {
  const value = '<value>';
  switch (rule.kind) {
    case 'emptyWhen':
      return [emptyWhenLine(rule, value)];
    case 'order':
      return [orderLine(rule, { bound: 'path' in rule.bound ? value : JSON.stringify(rule.bound.value), got: value })];
    case 'distinct':
      return [distinctLine(rule, { path: rule.among.map(sourcePattern).join(' or '), earlier: 'an earlier one', got: value })];
    case 'userName': {
      const path = 'keysOf' in rule.names ? `${rule.names.keysOf}.<key>` : `${rule.names.list}[<i>].${rule.names.field}`;
      const lines = userNameLines(rule, { path, got: value });
      return rule.refusesSecretLooking ? [lines.reserved, lines.secretLooking] : [lines.reserved];
    }
    case 'refused':
      return [refusedLine(rule, value)];
    case 'differ':
      return [differLine(rule)];
    case 'oneKeyOf':
      return Object.values(oneKeyOfLines(rule, { item: `${rule.list}[<i>]`, keyPath: `${rule.list}[<i>].<key>`, got: value, count: '<count>' }));
    case 'memberOf':
      return [memberOfLine(rule, { path: `${rule.list}[<i>].${rule.field}`, got: value })];
    case 'separatePaths': {
      const items = `${rule.list}[<i>].<${rule.within.join('|')}>.items`;
      return [separatePathsLine(rule, { path: `${items}[<j>].path`, earlier: `${items}[<earlier>].path`, got: value, earlierGot: '<earlier value>' })];
    }
  }
}

/** The rules between settings (src/config/rules.ts), one row per line they refuse with. */
export function crossFieldTable(): string {
  const rows = CROSS_FIELD_RULES.flatMap(ruleLines).map((line) => `| \`${cell(line)}\` |`);
  return ['| Refused with |', '|---|', ...rows].join('\n');
}

/** Every object of the deployment, with every optional one switched on, as a Mermaid graph of how they connect. */
export function architectureDiagram(): string {
  const values = deepMerge(profiles.cloud, {
    backend: { autoscaling: { enabled: true } },
    frontend: { ingress: { enabled: true, host: 'todo.example.com', tlsSecretName: 'todo-tls' } },
    secret: { create: true },
  });
  const settings: Settings = { release: DEFAULT_RELEASE, values };
  const secretValues = { databaseUrl: '(secret)', openaiApiKey: '(secret)', betterAuthSecret: '(secret)' };
  const objects = synthObjects(settings, secretValues);
  const id = (object: KubeObject) => `${object.kind}_${object.metadata.name}`.replace(/[^A-Za-z0-9_]/g, '_');
  const find = (kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);
  const lines = ['flowchart LR', '  user((User browser))'];
  for (const object of objects) {
    if (object.kind === 'Namespace' || object.kind === 'NetworkPolicy') continue;
    lines.push(`  ${id(object)}["${object.kind}<br/>${object.metadata.name}"]`);
  }
  const edge = (from: KubeObject | undefined, label: string, to: KubeObject | undefined) => from && to && lines.push(`  ${id(from)} -- "${label}" --> ${id(to)}`);
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  const frontendService = find('Service', `${DEFAULT_RELEASE.name}-frontend`);
  lines.push(`  user -- "${frontendService?.spec.type} :${frontendService?.spec.ports[0].port}" --> ${frontendService ? id(frontendService) : ''}`);
  for (const object of objects) {
    if (object.kind === 'Service') {
      const port = object.spec.ports[0];
      edge(object, `selects pods, ${port.port} → ${port.targetPort}`, find('Deployment', object.metadata.name));
    }
    if (object.kind === 'Ingress') edge(object, `${object.spec.rules[0].host ?? '*'}${object.spec.rules[0].http.paths[0].path}`, find('Service', object.spec.rules[0].http.paths[0].backend.service.name));
    if (object.kind === 'HorizontalPodAutoscaler') edge(object, 'scales', find('Deployment', object.spec.scaleTargetRef.name));
    if (object.kind === 'PodDisruptionBudget') edge(object, `limits evictions`, find('Deployment', object.metadata.name));
  }
  const config = objects.find((object) => object.kind === 'ConfigMap');
  const secret = objects.find((object) => object.kind === 'Secret');
  for (const deployment of deployments) {
    const container = deployment.spec.template.spec.containers[0];
    edge(deployment, 'runs as', find('ServiceAccount', deployment.spec.template.spec.serviceAccountName));
    edge(deployment, 'envFrom', config);
    const keys = container.env.filter((env: any) => env.valueFrom?.secretKeyRef).map((env: any) => env.valueFrom.secretKeyRef.key);
    edge(deployment, keys.join(', '), secret);
  }
  const backendUrl = config?.data?.BACKEND_URL ?? '';
  const backendService = objects.find((object) => object.kind === 'Service' && backendUrl.includes(`//${object.metadata.name}.`));
  edge(find('Deployment', `${DEFAULT_RELEASE.name}-frontend`), `BACKEND_URL ${backendUrl.replace(/^http:\/\//, '')}`, backendService);
  lines.push('  neon[(Neon Postgres)]', '  openai([OpenAI API])');
  const backend = find('Deployment', `${DEFAULT_RELEASE.name}-backend`);
  if (backend) lines.push(`  ${id(backend)} -- "DATABASE_URL, TLS 5432" --> neon`, `  ${id(backend)} -- "HTTPS 443" --> openai`);
  return lines.join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceSection(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${start} ... ${end} section`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}

/** The Agent `aiops.kagent.enabled: true` adds to the default settings, as the raw synth writes it. */
export function kagentAgentYaml(): string {
  const values = deepMerge(profiles.minikube, { aiops: { kagent: { enabled: true } } });
  const agent = (synthObjects({ release: DEFAULT_RELEASE, values })).find((object) => object.kind === 'Agent');
  if (!agent) throw new Error('aiops.kagent.enabled emitted no Agent');
  return ['```yaml', unambiguousYaml(agent).trimEnd(), '```'].join('\n');
}

/** The generated sections of each documentation file. */
export const GENERATED_SECTIONS: Readonly<Record<string, Readonly<Record<string, () => string>>>> = {
  'README.md': { 'values-table': valuesTable, 'cross-field-rules': crossFieldTable },
  'docs/architecture.md': { 'architecture-diagram': () => ['```mermaid', architectureDiagram(), '```'].join('\n') },
  'docs/policy.md': { 'policy-rules': policyTable },
  'docs/aiops.md': { 'kagent-agent': kagentAgentYaml },
};

/**
 * Where the docs name the chart's version: the packaged chart's file name, and the version an umbrella
 * chart's dependency pins. A release changes them with `npm run docs`; no command needs an edit.
 */
const CHART_VERSION_MENTIONS: readonly [RegExp, (version: string) => string][] = [
  [new RegExp(`\\b${CHART_NAME}-[0-9]+\\.[0-9]+\\.[0-9]+\\.tgz\\b`, 'g'), (version) => `${CHART_NAME}-${version}.tgz`],
  [new RegExp(`(- name: ${CHART_NAME}\\n\\s+version: )[0-9]+\\.[0-9]+\\.[0-9]+`, 'g'), (version) => `$1${version}`],
];

/** A documentation file with its generated sections and its mentions of the chart's version brought up to date. */
export function regenerate(file: string, content: string): string {
  const sections = Object.entries(GENERATED_SECTIONS[file] ?? {}).reduce((document, [name, generate]) => replaceSection(document, name, generate()), content);
  return CHART_VERSION_MENTIONS.reduce((document, [mention, current]) => document.replace(mention, current(chartVersion)), sections);
}
