import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchFolder } from '../support/scratch';
import { changesOfAnotherApply, deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectl, kubectlJson, kubectlOk, objectsIn, rawNamespaceWithSecret, rolloutStatus, synthCommand } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const DEPLOYMENTS = ['todo-chatbot-backend', 'todo-chatbot-frontend'];
/** Above the cloud profile's 2 replicas, so the HorizontalPodAutoscaler visibly takes over. */
const MIN_REPLICAS = 3;

/** Every cloud feature on: Ingress with TLS, autoscaling, NetworkPolicies (the profile adds PDBs and topology spread). */
const FEATURES = {
  frontend: {
    ingress: { enabled: true, className: 'nginx', host: 'todo.example.com', path: '/', tlsSecretName: 'todo-tls' },
    autoscaling: { enabled: true, minReplicas: MIN_REPLICAS, maxReplicas: 5 },
  },
  backend: { autoscaling: { enabled: true, minReplicas: MIN_REPLICAS, maxReplicas: 5 } },
  networkPolicy: { enabled: true },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function replicasSetByTheAutoscaler(): Promise<number[]> {
  const replicas = () => DEPLOYMENTS.map((name) => kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]).spec.replicas as number);
  for (let tries = 0; tries < 120 && replicas().some((count) => count !== MIN_REPLICAS); tries += 1) await sleep(1000);
  return replicas();
}

const CLOUD_KINDS = 'poddisruptionbudgets,horizontalpodautoscalers,networkpolicies,ingresses';
const EXPECTED_CLOUD_OBJECTS = [
  'HorizontalPodAutoscaler/todo-chatbot-backend',
  'HorizontalPodAutoscaler/todo-chatbot-frontend',
  'Ingress/todo-chatbot-frontend',
  'NetworkPolicy/todo-chatbot-backend',
  'NetworkPolicy/todo-chatbot-default-deny',
  'NetworkPolicy/todo-chatbot-frontend',
  'PodDisruptionBudget/todo-chatbot-backend',
  'PodDisruptionBudget/todo-chatbot-frontend',
];

describe(`the cloud profile with every feature on, on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const valuesFile = join(scratchFolder('cloud'), 'cloud-features.yaml');
  writeFileSync(valuesFile, JSON.stringify(FEATURES));
  const { root, dist, tgz } = synthCommand(['--profile', 'cloud', '-f', valuesFile]);
  // The chart's own copy of the profile, chart-testing's convention: what a Helm user passes for "cloud".
  const cloudValues = join(root, 'charts', 'todo-chatbot', 'ci', 'cloud-values.yaml');

  beforeAll(() => {
    // An Ingress controller's class, as the cluster's administrator would have installed it.
    kubectlOk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } }));
  });
  afterEach(() => deleteNamespace(NAMESPACE));
  afterAll(() => kubectl(['delete', 'ingressclass', 'nginx', '--ignore-not-found']));

  it('raw: PDB, HPA, NetworkPolicies and Ingress are accepted without a warning, and a second apply leaves the HPA its replicas', async () => {
    rawNamespaceWithSecret(dist, NAMESPACE);
    const applied = kubectl(['apply', '-f', `${dist}/`]);
    expect(applied).toMatchObject({ status: 0, stderr: '' });
    expect(objectsIn(NAMESPACE, CLOUD_KINDS).filter((name) => !name.includes('-tests'))).toEqual(EXPECTED_CLOUD_OBJECTS);
    expect(await replicasSetByTheAutoscaler()).toEqual([MIN_REPLICAS, MIN_REPLICAS]);
    rolloutStatus(NAMESPACE, DEPLOYMENTS);

    expect(changesOfAnotherApply(['-f', `${dist}/`])).toEqual([]);
    expect(DEPLOYMENTS.map((name) => kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]).spec.replicas)).toEqual([MIN_REPLICAS, MIN_REPLICAS]);
  });

  it.each(HELMS.map((which) => [which.major, which] as const))('helm v%i: the same objects install, and helm upgrade leaves the HPA its replicas', async (_major, which) => {
    helmNamespaceWithSecret(NAMESPACE);
    const installed = helm(which, ['install', RELEASE, tgz, '-n', NAMESPACE, '-f', cloudValues, '-f', valuesFile, '--wait', '--timeout', '180s']);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    expect(objectsIn(NAMESPACE, CLOUD_KINDS)).toEqual(expect.arrayContaining(EXPECTED_CLOUD_OBJECTS));
    expect(await replicasSetByTheAutoscaler()).toEqual([MIN_REPLICAS, MIN_REPLICAS]);

    const upgraded = helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, '-f', cloudValues, '-f', valuesFile, '--wait', '--timeout', '180s']);
    expect(upgraded).toMatchObject({ status: 0, stderr: '' });
    expect(DEPLOYMENTS.map((name) => kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]).spec.replicas)).toEqual([MIN_REPLICAS, MIN_REPLICAS]);
    helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait']);
  });
});
