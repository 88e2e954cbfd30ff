import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { yamlStream } from '../../../src/outputs/yaml';
import { Helm, helms, runHelm } from '../../support/helm';

/** What a command did: its exit status and everything it printed. */
export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

const ROOT = join(__dirname, '..', '..', '..');

function run(command: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const result = spawnSync(command, args, { encoding: 'utf8', input: options.input, env: options.env ?? process.env, cwd: options.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
}

function orThrow(what: string, result: Run): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

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
export function changesOfAnotherApply(fileArgs: readonly string[], input?: string): string[] {
  const content = ({ status: _status, metadata: { resourceVersion: _version, managedFields: _fields, ...metadata }, ...rest }: any) => JSON.stringify({ ...rest, metadata });
  const stored = () => new Map<string, string>(kubectlJson(['get', ...fileArgs], input).items.map((o: any) => [`${o.kind}/${o.metadata.name}`, content(o)]));
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
  const changed = [...after].filter(([object, content]) => before.get(object) !== content).map(([object]) => `${object} changed`);
  return [...warnings, ...reported, ...changed];
}

/** Helm v4 and v3, the same binaries as the Helm tests of npm test. */
export const HELMS: readonly Helm[] = helms();

export const helm: (which: Helm, args: readonly string[]) => Run = runHelm;

export function helmOk(which: Helm, args: readonly string[]): string {
  return orThrow(`helm v${which.major} ${args.join(' ')}`, helm(which, args));
}

/** A PATH on which `helm` is this Helm, for scripts that call it by name. */
export function pathWithHelm(which: Helm): string {
  const dir = mkdtempSync(join(tmpdir(), `todo-chatbot-helm-v${which.major}-`));
  symlinkSync(which.path, join(dir, 'helm'));
  return `${dir}${delimiter}${process.env.PATH ?? ''}`;
}

export function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Run {
  return run('bash', [join(ROOT, script), ...args], { env });
}

/** What `npm run synth -- ARGS` writes, into a folder of its own: `dist` and `charts` inside `root`. */
export interface SynthOutput {
  readonly root: string;
  readonly dist: string;
  readonly tgz: string;
}

/** Runs the synth command exactly as a user does (README's `npm run synth`), into a fresh folder. */
export function synthCommand(args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): SynthOutput {
  const root = mkdtempSync(join(tmpdir(), 'todo-chatbot-synth-'));
  const dist = join(root, 'dist');
  mkdirSync(dist);
  orThrow(`npm run synth -- ${args.join(' ')}`, run('node', ['-r', './scripts/register.js', 'main.ts', '--out', dist, '--charts', join(root, 'charts'), ...args], { env }));
  const { version } = require('../../../package.json') as { version: string };
  return { root, dist, tgz: join(dist, `todo-chatbot-${version}.tgz`) };
}

/** Stand-in values for README's `kubectl create secret generic`: not secrets, nothing here connects anywhere. */
const TEST_SECRET_LITERALS = [
  '--from-literal=DATABASE_URL=postgresql://user:not-a-password@db.invalid/todo?sslmode=require',
  '--from-literal=OPENAI_API_KEY=sk-not-a-key',
  '--from-literal=BETTER_AUTH_SECRET=not-a-secret',
];

/** README's Secret command, for a release's Secret in its namespace. */
export function createSecret(namespace: string, name = 'todo-chatbot-secrets'): void {
  kubectlOk(['create', 'secret', 'generic', name, '-n', namespace, ...TEST_SECRET_LITERALS]);
}

/** README's raw path up to `kubectl apply -f dist/`: the Namespace from `dist` (or an older release's folder), then the Secret. */
export function rawNamespaceWithSecret(dist: string, namespace: string): void {
  kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
  createSecret(namespace);
}

/** README's Helm path up to `helm install`: create the namespace, label it restricted, create the Secret. */
export function helmNamespaceWithSecret(namespace: string): void {
  kubectlOk(['create', 'namespace', namespace]);
  kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  createSecret(namespace);
}

/** Deletes a namespace and waits until it is gone (the namespace controller empties it first). */
export function deleteNamespace(namespace: string): void {
  kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=180s']);
}

/** Names of the objects of these kinds in a namespace, as "kind/name", sorted. */
export function objectsIn(namespace: string, kinds: string, selector?: string): string[] {
  const list = kubectlJson(['get', kinds, '-n', namespace, ...(selector ? ['-l', selector] : [])]);
  return (list.items as { kind: string; metadata: { name: string } }[]).map((item) => `${item.kind}/${item.metadata.name}`).sort();
}

/** Every kind the chart or the raw output can create in a namespace. */
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
  const file = join(mkdtempSync(join(tmpdir(), 'todo-chatbot-regression-')), '20-todo-chatbot.yaml');
  writeFileSync(file, yamlStream(objects));
  return file;
}
