import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectlJson, kubectlOk, synthCommand } from '../cluster/support/commands';
import { frontendUrl, get, getUntilOk, report, waitForReadyPods } from './support/app';
import { secretEnvFile } from './support/outside';
import { STATE_DIR } from './support/host';
import { testsImageValuesFile } from './support/images';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const APP_PODS = 'app.kubernetes.io/instance=todo-chatbot,app.kubernetes.io/component in (backend,frontend)';

/**
 * The cloud profile's images are a registry's (ghcr.io/example/...:1.0.0); this node has only the
 * reference images, imported under the names the minikube profile uses. Nothing is tagged as what it is not.
 */
const REFERENCE_IMAGES = {
  backend: { image: { repository: 'todo-chatbot-backend', tag: 'local', pullPolicy: 'Never' } },
  frontend: { image: { repository: 'todo-chatbot-frontend', tag: 'local', pullPolicy: 'Never' } },
};

/** The cloud profile (two replicas each, autoscaling from two, PDBs, topology spread) on the real node. */
describe(`the cloud profile on a real node, Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  // In the node's state folder, which restoreHost removes however the run ends.
  const valuesFile = join(STATE_DIR, 'reference-images.yaml');
  writeFileSync(valuesFile, JSON.stringify(REFERENCE_IMAGES));
  const { root, tgz } = synthCommand();
  const cloudValues = join(root, 'charts', 'todo-chatbot', 'ci', 'cloud-values.yaml');
  const which = HELMS[0];
  afterAll(() => deleteNamespace(NAMESPACE));

  it(`helm v${which.major} install with the cloud values: two Ready replicas of each, answering through the Service`, async () => {
    helmNamespaceWithSecret(NAMESPACE, secretEnvFile());
    const started = new Date();
    const installed = helm(which, ['install', RELEASE, tgz, '-n', NAMESPACE, '-f', cloudValues, '-f', valuesFile, '-f', testsImageValuesFile(), '--wait', '--timeout', '240s']);
    expect(installed).toMatchObject({ status: 0, stderr: '' });
    // The autoscalers own the replica counts and raise them to their minimum of two.
    for (let tries = 0; tries < 120 && kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', APP_PODS]).items.length < 4; tries += 1) await new Promise((resolve) => setTimeout(resolve, 1000));
    report('cloud profile, helm (helm install to Ready)', waitForReadyPods(NAMESPACE, APP_PODS, started));
    const components = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', APP_PODS]).items.map((pod: any) => pod.metadata.labels['app.kubernetes.io/component']);
    expect(components.sort()).toEqual(['backend', 'backend', 'frontend', 'frontend']);
    const url = await frontendUrl(NAMESPACE, `${RELEASE}-frontend`);
    expect((await getUntilOk(`${url}/api/todos`)).status).toBe(200);
  });

  it('a killed frontend pod of two is replaced, and the Service answers', async () => {
    const url = await frontendUrl(NAMESPACE, `${RELEASE}-frontend`);
    const [victim] = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', 'app.kubernetes.io/component=frontend']).items;
    kubectlOk(['delete', 'pod', victim.metadata.name, '-n', NAMESPACE, '--wait=false']);
    // Requests while the pod goes, reported: making them all succeed is the rollout work's (preStop, grace).
    let failed = 0;
    for (let request = 0; request < 20; request += 1) if ((await get(`${url}/`)).status !== 200) failed += 1;
    process.stderr.write(`node report: ${failed} of 20 requests to / failed while a frontend pod of two was killed\n`);
    waitForReadyPods(NAMESPACE, APP_PODS, new Date());
    expect((await getUntilOk(`${url}/`)).status).toBe(200);
    const names = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', 'app.kubernetes.io/component=frontend', '--field-selector=status.phase=Running']).items.map((pod: any) => pod.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(victim.metadata.name);
  });
});
