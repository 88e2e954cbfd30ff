import { join } from 'node:path';
import { profiles } from '../../src/config/profiles';
import { COMPONENTS } from '../../src/config/schema';
import { createSecret, defaultPodComponents, deleteNamespace, kubectl, kubectlJson, kubectlOk, synthCommand, withRegression } from '../cluster/support/commands';
import { addTodoAndList, frontendUrl, get, getUntilOk, report, waitForReadyPods } from './support/app';
import { secretEnvFile } from './support/outside';
import { NODE_NAME } from './support/network';

const NAMESPACE = 'todo-chatbot';
const RELEASE_SELECTOR = 'app.kubernetes.io/instance=todo-chatbot';
const FRONTEND = 'todo-chatbot-frontend';

/** README's raw path on a real node, with the reference images: real containers, real probes, real HTTP. */
describe(`raw manifests on a real node, Kubernetes ${process.env.CLUSTER_VERSION}: README's kubectl path`, () => {
  const { dist } = synthCommand();
  afterAll(() => deleteNamespace(NAMESPACE));

  it('kubectl apply -f dist/: every pod lands on the real node and turns Ready through its own probes', () => {
    kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
    createSecret(NAMESPACE, undefined, secretEnvFile());
    const applied = new Date();
    expect(kubectl(['apply', '-f', `${dist}/`])).toMatchObject({ status: 0, stderr: '' });
    const times = waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, applied);
    report('raw (kubectl apply to Ready)', times);
    const pods = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', RELEASE_SELECTOR]).items;
    expect(pods.map((pod: any) => pod.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(defaultPodComponents());
    for (const pod of pods) {
      expect(pod.spec.nodeName).toBe(NODE_NAME);
      for (const status of pod.status.containerStatuses) expect({ name: status.name, ready: status.ready, restarts: status.restartCount }).toEqual({ name: status.name, ready: true, restarts: 0 });
    }
  });

  it('the frontend Service answers / and proxies /api/todos to the backend through BACKEND_URL (R6)', async () => {
    const url = await frontendUrl(NAMESPACE, FRONTEND);
    const home = await getUntilOk(`${url}/`);
    expect(home.status).toBe(200);
    expect(home.body).toContain('Todo Chatbot');
    const todos = await getUntilOk(`${url}/api/todos`);
    expect(todos.status).toBe(200);
    // Stored in the outside PostgreSQL, so the backend's pod holds none of it.
    const title = `todo of ${expect.getState().currentTestName} at ${Date.now()}`;
    expect(await addTodoAndList(url, title)).toContain(title);
  });

  it.each(COMPONENTS)('a deleted %s pod exits on SIGTERM within its grace period, is replaced, and the Service answers again', async (component) => {
    const url = await frontendUrl(NAMESPACE, FRONTEND);
    const selector = `app.kubernetes.io/component=${component}`;
    const [before] = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', selector]).items;
    const deleting = Date.now();
    kubectlOk(['delete', 'pod', before.metadata.name, '-n', NAMESPACE, '--wait=true', '--timeout=120s']);
    // An app that ignored SIGTERM would be killed at the end of the grace period, not before.
    expect((Date.now() - deleting) / 1000).toBeLessThan(before.spec.terminationGracePeriodSeconds);
    waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, new Date());
    const after = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', selector]).items.map((pod: any) => pod.metadata.name);
    expect(after).toHaveLength(profiles.minikube[component].replicas);
    expect(after).not.toContain(before.metadata.name);
    expect((await getUntilOk(`${url}/api/todos`)).status).toBe(200);
  });

  it('a readiness probe on a path the app does not serve keeps the pod out of the Service, so this tier catches it', () => {
    const wrongPath = withRegression(dist, (object) => {
      if (object.kind === 'Deployment' && object.metadata.name === 'todo-chatbot-backend') object.spec.template.spec.containers[0].readinessProbe.httpGet.path = '/healthz';
    });
    kubectlOk(['apply', '-f', wrongPath]);
    const rollout = kubectl(['rollout', 'status', 'deployment/todo-chatbot-backend', '-n', NAMESPACE, '--timeout=30s']);
    expect(rollout.status).not.toBe(0);
    const events = kubectlJson(['get', 'events', '-n', NAMESPACE, '--field-selector', 'reason=Unhealthy']).items;
    expect(events.map((event: { message: string }) => event.message).join('\n')).toContain('Readiness probe failed: HTTP probe failed with statuscode: 404');
    kubectlOk(['apply', '-f', `${dist}/`]);
    waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, new Date());
  });

  it('without the writable /tmp the image contract promises, the backend exits at start, so this tier catches it', () => {
    const noTmp = withRegression(dist, (object) => {
      if (object.kind !== 'Deployment' || object.metadata.name !== 'todo-chatbot-backend') return;
      const spec = object.spec.template.spec;
      spec.containers[0].volumeMounts = spec.containers[0].volumeMounts.filter((mount: { mountPath: string }) => mount.mountPath !== '/tmp');
    });
    kubectlOk(['apply', '-f', noTmp]);
    expect(kubectl(['rollout', 'status', 'deployment/todo-chatbot-backend', '-n', NAMESPACE, '--timeout=45s']).status).not.toBe(0);
    const newest = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', 'app.kubernetes.io/component=backend', '--sort-by=.metadata.creationTimestamp']).items.at(-1);
    const logs = kubectl(['logs', newest.metadata.name, '-n', NAMESPACE, '--previous']);
    expect(logs.stdout + logs.stderr).toContain('reference backend: cannot write to /tmp, a writable path of the image contract: Read-only file system');
    kubectlOk(['apply', '-f', `${dist}/`]);
    waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, new Date());
  });

  it('a frontend whose BACKEND_URL leads nowhere still serves / but /api/todos fails, so this tier catches it', async () => {
    kubectlOk(['patch', 'configmap', 'todo-chatbot-config', '-n', NAMESPACE, '--type=merge', '-p', JSON.stringify({ data: { BACKEND_URL: 'http://todo-chatbot-nowhere:8000' } })]);
    kubectlOk(['rollout', 'restart', 'deployment/todo-chatbot-frontend', '-n', NAMESPACE]);
    kubectlOk(['rollout', 'status', 'deployment/todo-chatbot-frontend', '-n', NAMESPACE, '--timeout=180s']);
    // Until the old pod has gone, the Service may still send a request to it (the rollout work's subject).
    waitForReadyPods(NAMESPACE, RELEASE_SELECTOR, new Date());
    const url = await frontendUrl(NAMESPACE, FRONTEND);
    expect((await getUntilOk(`${url}/`)).status).toBe(200);
    const todos = await get(`${url}/api/todos`, 15_000);
    expect(todos).toEqual({ status: 502, body: JSON.stringify({ error: 'backend unreachable at BACKEND_URL (http://todo-chatbot-nowhere:8000)' }) });
  });
});
