import { ChildProcess, spawn } from 'node:child_process';
import { profiles } from '../../src/config/profiles';
import { Component, COMPONENTS } from '../../src/config/schema';
import { fakeNode, NODE_NAME } from './support/cluster';
import { deleteNamespace, kubectl, kubectlJson, kubectlOk, rawNamespaceWithSecret, rolloutStatus, synthCommand } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const DEPLOYMENTS = COMPONENTS.map((component) => `todo-chatbot-${component}`);
/** Three fake nodes in two zones: the shared node in zone-a, one more there, one in zone-b. */
const NODES: ReadonlyArray<readonly [string, string]> = [
  [NODE_NAME, 'zone-a'],
  ['kwok-node-1', 'zone-a'],
  ['kwok-node-2', 'zone-b'],
];
const EXTRA_NODES = NODES.filter(([name]) => name !== NODE_NAME).map(([name]) => name);
const ZONE_OF = new Map(NODES);

type Placement = Record<Component, { node: string; zone: string }[]>;

/** Where each component's pods run. */
function placement(): Placement {
  const pods = kubectlJson(['get', 'pods', '-n', NAMESPACE]).items as any[];
  const of = (component: Component) =>
    pods
      .filter((pod) => pod.metadata.labels['app.kubernetes.io/component'] === component && !pod.metadata.deletionTimestamp)
      .map((pod) => ({ node: pod.spec.nodeName as string, zone: ZONE_OF.get(pod.spec.nodeName) ?? 'none' }));
  return Object.fromEntries(COMPONENTS.map((component) => [component, of(component)])) as Placement;
}

const distinct = (values: readonly string[]) => new Set(values).size;

/**
 * Until each Deployment runs its autoscaler's minimum of Ready pods: with autoscaling on, the Deployment
 * leaves its replica count to the HorizontalPodAutoscaler, which raises it from 1 on its first sync.
 */
async function autoscaledToMinimum(): Promise<void> {
  const short = () =>
    COMPONENTS.filter((component) => (kubectlJson(['get', 'deployment', `todo-chatbot-${component}`, '-n', NAMESPACE]).status.readyReplicas ?? 0) < profiles.cloud[component].autoscaling.minReplicas);
  for (let tries = 0; tries < 120 && short().length > 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 1000));
  if (short().length > 0) throw new Error(`${short().join(', ')} did not reach the autoscaler's minimum of Ready pods within 120 s`);
  rolloutStatus(NAMESPACE, DEPLOYMENTS);
}

/**
 * Every change to the namespace's pods while it runs, from one watch (a poll could miss a dip): the
 * fewest pods of each component that were Ready and not being deleted at any moment, as the
 * PodDisruptionBudget counts healthy pods.
 */
class FewestHealthy {
  private readonly healthy = new Map<string, { component: string; healthy: boolean }>();
  /** Counted from the moment the watch has listed every pod (its first events add them one by one). */
  private counting = false;
  readonly fewest: Record<string, number> = {};
  private readonly watch: ChildProcess;
  private buffered = '';

  constructor() {
    // One line per event: its type, the pod, its component, whether it is being deleted, its Ready status.
    const line = '{.type} {.object.metadata.name} {.object.metadata.labels.app\\.kubernetes\\.io/component} {.object.metadata.deletionTimestamp}|{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}';
    this.watch = spawn('kubectl', ['get', 'pods', '-n', NAMESPACE, '--watch', '--output-watch-events', '-o', `jsonpath=${line}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.watch.stdout!.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString();
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      lines.forEach((entry) => this.event(entry));
    });
  }

  private event(entry: string): void {
    const [head, ready] = entry.split('|');
    const [type, name, component, deletion] = head!.trim().split(/\s+/);
    if (!name || !component) return;
    if (type === 'DELETED') this.healthy.delete(name);
    else this.healthy.set(name, { component, healthy: !deletion && ready === 'True' });
    if (this.counting) this.count();
  }

  private count(): void {
    for (const each of COMPONENTS) {
      const count = [...this.healthy.values()].filter((pod) => pod.component === each && pod.healthy).length;
      this.fewest[each] = Math.min(this.fewest[each] ?? count, count);
    }
  }

  /** Waits until the watch has listed the pods as they are now. */
  async listed(expected: number): Promise<void> {
    for (let tries = 0; tries < 100 && this.healthy.size < expected; tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    if (this.healthy.size < expected) throw new Error(`the pod watch listed ${this.healthy.size} pods, not ${expected}`);
    this.counting = true;
    this.count();
  }

  stop(): void {
    this.watch.kill();
  }
}

/** `kubectl drain` of `node` through the eviction API, the way an operator takes a node down for maintenance, measured by a watch. */
async function drainWatched(node: string): Promise<{ fewest: Record<string, number> }> {
  const watch = new FewestHealthy();
  try {
    await watch.listed(kubectlJson(['get', 'pods', '-n', NAMESPACE]).items.length);
    const drained = kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s']);
    if (drained.status !== 0) throw new Error(`kubectl drain ${node} failed:\n${drained.stderr}`);
    rolloutStatus(NAMESPACE, DEPLOYMENTS);
    // The watch's last events (the replacements turning Ready) arrive after the rollout is complete.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { fewest: { ...watch.fewest } };
  } finally {
    watch.stop();
    kubectl(['uncordon', node]);
  }
}

/** Every pod of the release on `node`: the other nodes cordoned while the Deployments restart. */
function allOn(node: string): void {
  const others = NODES.map(([name]) => name).filter((name) => name !== node);
  for (const other of others) kubectlOk(['cordon', other]);
  try {
    for (const deployment of DEPLOYMENTS) kubectlOk(['rollout', 'restart', `deployment/${deployment}`, '-n', NAMESPACE]);
    rolloutStatus(NAMESPACE, DEPLOYMENTS);
  } finally {
    for (const other of others) kubectl(['uncordon', other]);
  }
}

/**
 * Voluntary disruptions (issue "The network and rollouts for real"): the cloud profile as shipped (two
 * replicas each, a PodDisruptionBudget of maxUnavailable 1, spread over nodes and zones) on three fake
 * nodes in two zones.
 */
describe(`voluntary disruptions of the cloud profile on three nodes in two zones, Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const { dist } = synthCommand(['--profile', 'cloud']);

  beforeAll(() => {
    for (const [name, zone] of NODES.filter(([name]) => name !== NODE_NAME)) kubectlOk(['create', '-f', '-'], JSON.stringify(fakeNode(name, zone)));
    for (const name of EXTRA_NODES) kubectlOk(['wait', '--for=condition=Ready', `node/${name}`, '--timeout=60s']);
  });
  beforeEach(async () => {
    rawNamespaceWithSecret(dist, NAMESPACE);
    kubectlOk(['apply', '-f', `${dist}/`]);
    await autoscaledToMinimum();
  });
  afterEach(() => deleteNamespace(NAMESPACE));
  afterAll(() => {
    for (const name of EXTRA_NODES) kubectl(['delete', 'node', name, '--ignore-not-found', '--wait']);
  });

  it("spreads each Deployment's replicas over nodes and zones", () => {
    for (const pods of Object.values(placement())) {
      expect(pods).toHaveLength(2);
      expect(distinct(pods.map((pod) => pod.node))).toBe(2);
      expect(distinct(pods.map((pod) => pod.zone))).toBe(2);
    }
  });

  it('kubectl drain of a node never takes a Deployment below its PodDisruptionBudget, and the pods move to the other zone', async () => {
    const { fewest } = await drainWatched('kwok-node-2');
    expect(fewest).toEqual({ backend: 1, frontend: 1 });
    for (const pods of Object.values(placement())) {
      expect(pods.map((pod) => pod.zone)).toEqual(['zone-a', 'zone-a']);
    }
  });

  it('with every pod on the drained node, the budget still keeps one pod of each Ready throughout', async () => {
    allOn('kwok-node-1');
    expect((await drainWatched('kwok-node-1')).fewest).toEqual({ backend: 1, frontend: 1 });
  });

  it('without the PodDisruptionBudget the same drain takes a Deployment to no pod at all, so this scenario catches a missing budget', async () => {
    kubectlOk(['delete', 'poddisruptionbudgets', '--all', '-n', NAMESPACE]);
    allOn('kwok-node-1');
    const { fewest } = await drainWatched('kwok-node-1');
    expect(Math.min(...Object.values(fewest))).toBe(0);
  });
});
