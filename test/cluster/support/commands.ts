import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { profiles } from '../../../src/config/profiles';
import { COMPONENTS } from '../../../src/config/schema';
import { IMPORTED_CRDS } from '../../../src/imports/crd-bindings';
import { yamlStream } from '../../../src/outputs/yaml';
import { helm, helmOk, HELMS, orThrow, pathWithHelm, ROOT, Run, run, runSmoke, synthCommand, SynthOutput } from '../../support/processes';
import { scratchFolder } from '../../support/scratch';

export { helm, helmOk, HELMS, pathWithHelm, runSmoke, synthCommand };
export type { Run, SynthOutput };

/** kubectl of the cluster's own version (first on PATH, set by global-setup.ts), on the test cluster. */
export function kubectl(args: readonly string[], input?: string): Run {
  return run('kubectl', args, { input });
}

export function kubectlOk(args: readonly string[], input?: string): string {
  return orThrow(`kubectl ${args.join(' ')}`, kubectl(args, input));
}

export function kubectlJson(args: readonly string[], input?: string): any {
  return JSON.parse(kubectlOk([...args, '-o', 'json'], input));
}

/**
 * kubectl computes a non-empty patch for every PodDisruptionBudget (its selector's patch strategy is
 * "replace"), so it reports them "configured" on every apply though nothing on the server changes.
 */
const ALWAYS_REPORTED_CONFIGURED = /^poddisruptionbudget\.policy\/\S+ configured$/;

/**
 * Applies the same manifests again (`-f FILE` or `-f -` with `input`) and says what that changed: any
 * warning, every line kubectl printed that is not "unchanged" (bar the PDB quirk), and every object whose stored
 * content (all but its status and bookkeeping, which controllers keep writing) differs afterwards. An
 * empty list means the second apply changed nothing.
 */
/** The paths at which two JSON values differ (`spec.replicas`), to say what changed. */
function differingPaths(before: unknown, after: unknown, path = ''): string[] {
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null || Array.isArray(before) !== Array.isArray(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path || '(object)'}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`.slice(0, 300)];
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) => differingPaths((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], path ? `${path}.${key}` : key));
}

export function changesOfAnotherApply(fileArgs: readonly string[], input?: string): string[] {
  // What controllers write on their own schedule, between any two reads: the Deployment controller's
  // revision annotation (and the generation a spec change bumps), and the replica count of a Deployment
  // an autoscaler owns (our objects leave it out then; the cloud scenario checks an apply leaves it alone).
  const content = (object: any, autoscaled: Set<string>) => {
    const { status: _status, metadata: { resourceVersion: _version, managedFields: _fields, generation: _generation, ...metadata }, ...rest } = structuredClone(object);
    delete metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (object.kind === 'Deployment' && autoscaled.has(metadata.name)) delete rest.spec.replicas;
    return JSON.stringify({ ...rest, metadata });
  };
  const stored = () => {
    const items: any[] = kubectlJson(['get', ...fileArgs], input).items;
    const autoscaled = new Set(items.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.scaleTargetRef.name as string));
    return new Map<string, string>(items.map((o) => [`${o.kind}/${o.metadata.name}`, content(o, autoscaled)]));
  };
  const before = stored();
  // At -v=8 kubectl logs (on stderr) the body of each patch it sends: the field it keeps re-sending is the finding.
  const applied = kubectl(['apply', '-v=8', ...fileArgs], input);
  if (applied.status !== 0) return [`kubectl apply failed: ${applied.stderr}`];
  const after = stored();
  const warnings = applied.stderr.split('\n').filter((line) => line.startsWith('Warning:'));
  const patches = [...applied.stderr.matchAll(/"Request Body" body="(\{.+\})"$/gm)].map(([, body]) => body.replace(/\\"/g, '"'));
  const reported = applied.stdout
    .trim()
    .split('\n')
    .filter((line) => !line.endsWith(' unchanged') && !ALWAYS_REPORTED_CONFIGURED.test(line))
    .map((line) => `${line}; patches sent: ${patches.join(' ')}`);
  const changed = [...after]
    .filter(([object, content]) => before.get(object) !== content)
    .map(([object, content]) => `${object} changed: ${differingPaths(JSON.parse(before.get(object) ?? '{}'), JSON.parse(content)).join(', ')}`);
  return [...warnings, ...reported, ...changed];
}

/** README's bash block that writes `secrets.env` (step 3), as it is written there. */
export function readmeSecretsBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map(([, indent, block]) => block.replace(new RegExp(`^${indent}`, 'gm'), ''));
  const [block, ...others] = blocks.filter((candidate) => candidate.includes('> secrets.env'));
  if (!block || others.length > 0) throw new Error('README.md: expected one sh block that writes secrets.env');
  return block;
}

/**
 * README's Secret command (`kubectl create secret generic ... --from-env-file=secrets.env`) for a
 * release's Secret in its namespace, from the file README's bash block writes (its placeholders connect
 * nowhere; the file is removed at once, as README says); `envFile` gives other values (the node tier's
 * connect to its outside world).
 */
export function createSecret(namespace: string, name = 'todo-chatbot-secrets', envFile?: string): void {
  const fromEnvFile = (file: string) => kubectlOk(['create', 'secret', 'generic', name, '-n', namespace, `--from-env-file=${file}`]);
  if (envFile) {
    fromEnvFile(envFile);
    return;
  }
  const folder = scratchFolder('secrets');
  // Gone as soon as the Secret is made, not only after the test file: the file holds its values.
  try {
    orThrow("README's secrets.env block", run('bash', ['-euc', readmeSecretsBlock()], { cwd: folder }));
    fromEnvFile(join(folder, 'secrets.env'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** README's raw path up to `kubectl apply -f dist/`: the Namespace from `dist` (or an older release's folder), then the Secret. */
export function rawNamespaceWithSecret(dist: string, namespace: string): void {
  kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
  createSecret(namespace);
}

/** README's Helm path up to `helm install`: create the namespace, label it restricted, create the Secret (from `envFile`, see createSecret). */
export function helmNamespaceWithSecret(namespace: string, envFile?: string): void {
  kubectlOk(['create', 'namespace', namespace]);
  kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  createSecret(namespace, undefined, envFile);
}

/** Deletes a namespace and waits until it is gone (the namespace controller empties it first). */
export function deleteNamespace(namespace: string): void {
  kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=180s']);
}

const KAGENT_AGENT_CRD = join(ROOT, IMPORTED_CRDS[0].file);

/** Installs kagent's Agent CRD (crds/) and returns once the API server serves it. */
export function installKagentCrd(): void {
  // Server-side: the CRD (950 KB) is far over the 256 KB annotation client-side apply would record.
  kubectlOk(['apply', '--server-side', '-f', KAGENT_AGENT_CRD]);
  // `kubectl wait` fails outright while the CRD has no conditions yet; a retry outlives that moment.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (kubectl(['wait', '--for=condition=Established', 'crd/agents.kagent.dev', '--timeout=10s']).status === 0) return;
    spawnSync('sleep', ['0.5']);
  }
  throw new Error('the kagent Agent CRD was not Established within 60 s');
}

export function uninstallKagentCrd(): void {
  kubectl(['delete', '-f', KAGENT_AGENT_CRD, '--ignore-not-found', '--wait=true']);
}

/** Names of the objects of these kinds in a namespace, as "kind/name", sorted. */
export function objectsIn(namespace: string, kinds: string, selector?: string): string[] {
  const list = kubectlJson(['get', kinds, '-n', namespace, ...(selector ? ['-l', selector] : [])]);
  return (list.items as { kind: string; metadata: { name: string } }[]).map((item) => `${item.kind}/${item.metadata.name}`).sort();
}

/** Every kind the chart or the raw output can create in a namespace. */
/** The component of each pod the default (minikube) profile runs, sorted: what README's paths start. */
export function defaultPodComponents(): string[] {
  return COMPONENTS.flatMap((component) => Array<string>(profiles.minikube[component].replicas).fill(component)).sort();
}

export const OUR_KINDS = 'deployments,replicasets,pods,services,configmaps,secrets,serviceaccounts,poddisruptionbudgets,horizontalpodautoscalers,networkpolicies,ingresses';

export interface ReplicaSetCounts {
  readonly [deployment: string]: number;
}

/** How many ReplicaSets each Deployment of the release owns: a rollout adds one. */
export function replicaSetsByDeployment(namespace: string): ReplicaSetCounts {
  const counts: Record<string, number> = {};
  for (const replicaSet of kubectlJson(['get', 'replicasets', '-n', namespace]).items) {
    const owner = replicaSet.metadata.ownerReferences?.find((reference: { kind: string }) => reference.kind === 'Deployment')?.name;
    if (owner) counts[owner] = (counts[owner] ?? 0) + 1;
  }
  return counts;
}

/** `kubectl rollout status` of every Deployment in the namespace; throws with its output when one does not complete. */
export function rolloutStatus(namespace: string, deployments: readonly string[], timeout = '180s'): void {
  for (const deployment of deployments) kubectlOk(['rollout', 'status', `deployment/${deployment}`, '-n', namespace, `--timeout=${timeout}`]);
}

/**
 * dist/20-todo-chatbot.yaml with one change made to its objects, written to a file of its own: what a
 * regression in the model would ship. The scenarios that must catch such a regression apply this.
 */
export function withRegression(dist: string, change: (object: any) => void): string {
  const objects = parseAllDocuments(readFileSync(join(dist, '20-todo-chatbot.yaml'), 'utf8')).map((document) => document.toJS());
  objects.forEach(change);
  const file = join(scratchFolder('regression'), '20-todo-chatbot.yaml');
  writeFileSync(file, yamlStream(objects));
  return file;
}
