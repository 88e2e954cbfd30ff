import { join } from 'node:path';
import { createSecret, deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectl, kubectlOk, synthCommand, withRegression } from '../cluster/support/commands';
import { addTodoAndList, frontendUrl, get, getUntilOk, waitForReadyPods } from './support/app';
import { builtImages, testsImageValuesFile, valuesFile } from './support/images';
import { OUTSIDE_IP, OUTSIDE_PORTS, secretEnvFile } from './support/outside';
import { componentPod, probe, probeUntilDenied, reached, startOutsider } from './support/reach';

const NAMESPACE = 'todo-chatbot';
const OUTSIDER_NAMESPACE = 'todo-chatbot-outsider';
const RELEASE_SELECTOR = 'app.kubernetes.io/instance=todo-chatbot';
const FRONTEND = 'todo-chatbot-frontend';
const BACKEND_PORT = 8000;
const BACKEND_HOST = `todo-chatbot-backend.${NAMESPACE}.svc.cluster.local`;

/**
 * The NetworkPolicies as shipped (on by default), enforced by kube-router's firewall, with the world outside the cluster on this
 * machine (outside.ts: PostgreSQL, an HTTPS stand-in for OpenAI, a port the backend may not use) and a
 * namespace of another team's without policies. What the app needs is answered; what the policies deny
 * is denied, each time right after the same request from a peer that is allowed was answered, so that
 * "denied" never means "nothing listens".
 */
describe(`NetworkPolicies enforced on a real node, Kubernetes ${process.env.CLUSTER_VERSION}: the raw manifests`, () => {
  const { dist } = synthCommand();
  let outsider: ReturnType<typeof startOutsider>;
  afterAll(() => {
    deleteNamespace(NAMESPACE);
    deleteNamespace(OUTSIDER_NAMESPACE);
  });

  it('kubectl apply -f dist/, the policies on by default: every pod turns Ready (the backend made its table in the outside PostgreSQL at start)', () => {
    outsider = startOutsider(OUTSIDER_NAMESPACE, builtImages(process.env.NODE_IMAGES_DIR ?? '').backend, OUTSIDE_PORTS.postgres);
    kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
    createSecret(NAMESPACE, undefined, secretEnvFile());
    expect(kubectl(['apply', '-f', `${dist}/`])).toMatchObject({ status: 0, stderr: '' });
    expect(kubectlOk(['get', 'networkpolicies', '-n', NAMESPACE, '-o', 'name']).split('\n').filter(Boolean)).toHaveLength(3);
    waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, new Date());
  });

  it('what the app needs is answered: / and /api/todos through the LoadBalancer Service, writing and reading the outside PostgreSQL', async () => {
    const url = await frontendUrl(NAMESPACE, FRONTEND);
    expect((await getUntilOk(`${url}/`)).status).toBe(200);
    const title = `stored behind the policies at ${Date.now()}`;
    expect(await addTodoAndList(url, title)).toContain(title);
  });

  it('DNS resolves for both pods, and the backend reaches HTTPS on 443 outside with the certificate verified', () => {
    for (const component of ['backend', 'frontend']) expect(reached(probe(componentPod(NAMESPACE, component), 'dns', BACKEND_HOST))).toBe(true);
    expect(probe(componentPod(NAMESPACE, 'backend'), 'https', OUTSIDE_IP, OUTSIDE_PORTS.https, process.env.NODE_OUTSIDE_CA_FILE)).toBe('HTTP/1.1 200 OK');
  });

  it('a pod in another namespace cannot reach the backend, which the frontend reaches just before', () => {
    const backend = componentPod(NAMESPACE, 'backend');
    expect(probe(componentPod(NAMESPACE, 'frontend'), 'http', backend.ip, BACKEND_PORT)).toMatch(/^HTTP\/1\.1 /);
    expect(reached(probeUntilDenied(outsider, 'http', backend.ip, BACKEND_PORT))).toBe(false);
  });

  it('the frontend cannot reach the database, which the backend reaches just before', () => {
    expect(probe(componentPod(NAMESPACE, 'backend'), 'tcp', OUTSIDE_IP, OUTSIDE_PORTS.postgres)).toBe('open');
    expect(reached(probeUntilDenied(componentPod(NAMESPACE, 'frontend'), 'tcp', OUTSIDE_IP, OUTSIDE_PORTS.postgres))).toBe(false);
  });

  it('the backend cannot reach an outside port beyond networkPolicy.backendEgress, which the other namespace reaches just before', () => {
    expect(probe(outsider, 'http', OUTSIDE_IP, OUTSIDE_PORTS.denied)).toBe('HTTP/1.1 200 OK');
    expect(reached(probeUntilDenied(componentPod(NAMESPACE, 'backend'), 'http', OUTSIDE_IP, OUTSIDE_PORTS.denied))).toBe(false);
  });

  it("the backend cannot reach the cluster's private ranges even on an egress port, which the other namespace reaches just before", () => {
    expect(probe(outsider, 'http', outsider.ip, OUTSIDE_PORTS.postgres)).toMatch(/^HTTP\/1\.0 200/);
    expect(reached(probeUntilDenied(componentPod(NAMESPACE, 'backend'), 'http', outsider.ip, OUTSIDE_PORTS.postgres))).toBe(false);
  });

  it('a policy that lets no DNS through breaks name lookups of the backend, so this tier catches it', () => {
    const noDns = withRegression(dist, (object) => {
      if (object.kind !== 'NetworkPolicy' || object.metadata.name !== 'todo-chatbot-backend') return;
      object.spec.egress = object.spec.egress.filter((rule: { ports: { port: number }[] }) => !rule.ports.some((port) => port.port === 53));
    });
    kubectlOk(['apply', '-f', noDns]);
    expect(reached(probeUntilDenied(componentPod(NAMESPACE, 'backend'), 'dns', BACKEND_HOST))).toBe(false);
    kubectlOk(['apply', '-f', `${dist}/`]);
  });

  it('without 5432 in networkPolicy.backendEgress the backend loses its database, so this tier catches it', async () => {
    const { dist: noPostgres } = synthCommand(['--values', valuesFile('egress-without-postgres', { networkPolicy: { backendEgress: [{ protocol: 'TCP', port: 443 }] } })]);
    const backend = componentPod(NAMESPACE, 'backend');
    expect(probe(backend, 'tcp', OUTSIDE_IP, OUTSIDE_PORTS.postgres)).toBe('open');
    kubectlOk(['apply', '-f', `${noPostgres}/`]);
    // Checked from the running pod: a pod that starts before the enforcer has its rules may still connect once.
    expect(reached(probeUntilDenied(backend, 'tcp', OUTSIDE_IP, OUTSIDE_PORTS.postgres))).toBe(false);
    const todos = await get(`${await frontendUrl(NAMESPACE, FRONTEND)}/api/todos`, 15_000);
    expect(todos.status).not.toBe(200);
    kubectlOk(['apply', '-f', `${dist}/`]);
    waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, new Date());
  });
});

describe.each(HELMS.map((which) => [which.major, which] as const))(`NetworkPolicies enforced on a real node, Kubernetes ${process.env.CLUSTER_VERSION}: the chart, helm v%i`, (_major, which) => {
  const { tgz } = synthCommand();
  afterAll(() => deleteNamespace(NAMESPACE));

  it('helm install with the policies on by default, /api/todos through the Service, and helm test (its own policies let its pods through)', async () => {
    helmNamespaceWithSecret(NAMESPACE, secretEnvFile());
    const values = ['-f', testsImageValuesFile()];
    expect(helm(which, ['install', 'todo-chatbot', tgz, '-n', NAMESPACE, ...values, '--wait', '--timeout', '240s'])).toMatchObject({ status: 0, stderr: '' });
    expect(kubectlOk(['get', 'networkpolicies', '-n', NAMESPACE, '-o', 'name']).split('\n').filter(Boolean)).toHaveLength(5);
    const url = await frontendUrl(NAMESPACE, FRONTEND);
    // kube-proxy wires the new Service a moment after the install.
    expect((await getUntilOk(`${url}/`)).status).toBe(200);
    const title = `stored through the chart at ${Date.now()}`;
    expect(await addTodoAndList(url, title)).toContain(title);
    const tested = helm(which, ['test', 'todo-chatbot', '-n', NAMESPACE, '--timeout', '180s']);
    expect(tested).toMatchObject({ status: 0, stderr: '' });
    expect(tested.stdout).toMatch(/todo-chatbot-test-backend[\s\S]*Phase:\s+Succeeded/);
    expect(tested.stdout).toMatch(/todo-chatbot-test-frontend[\s\S]*Phase:\s+Succeeded/);
  });
});
