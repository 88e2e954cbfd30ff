import { deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectlJson, synthCommand } from '../cluster/support/commands';
import { addTodoAndList, frontendUrl, getUntilOk, report, waitForNoPods, waitForReadyPods } from './support/app';
import { secretEnvFile } from './support/outside';
import { testsImageValuesFile } from './support/images';
import { NODE_NAME } from './support/network';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const APP_PODS = 'app.kubernetes.io/instance=todo-chatbot,app.kubernetes.io/component in (backend,frontend)';

/** README's Helm path on a real node, with each Helm major version: real pods, real HTTP, real `helm test` pods. */
describe.each(HELMS.map((which) => [which.major, which] as const))(`the chart on a real node, Kubernetes ${process.env.CLUSTER_VERSION}, helm v%i: README's Helm path`, (major, which) => {
  const { tgz } = synthCommand();
  const testsImage = ['-f', testsImageValuesFile()];
  afterAll(() => deleteNamespace(NAMESPACE));

  it('helm install --wait: deployed once every pod is Ready through its own probes, on the real node', () => {
    helmNamespaceWithSecret(NAMESPACE, secretEnvFile());
    const started = new Date();
    const installed = helm(which, ['install', RELEASE, tgz, '-n', NAMESPACE, ...testsImage, '--wait', '--timeout', '240s']);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    report(`helm v${major} (helm install to Ready)`, waitForReadyPods(NAMESPACE, APP_PODS, started));
    for (const pod of kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', APP_PODS]).items) expect(pod.spec.nodeName).toBe(NODE_NAME);
  });

  it('the frontend Service answers / and /api/todos, proxied through BACKEND_URL', async () => {
    const url = await frontendUrl(NAMESPACE, `${RELEASE}-frontend`);
    expect((await getUntilOk(`${url}/`)).status).toBe(200);
    const todos = await getUntilOk(`${url}/api/todos`);
    expect(todos.status).toBe(200);
    // Stored in the outside PostgreSQL, so the backend's pod holds none of it.
    const title = `todo of ${expect.getState().currentTestName} at ${Date.now()}`;
    expect(await addTodoAndList(url, title)).toContain(title);
  });

  it('helm test passes: its pods run wget against both Services on the node and succeed', () => {
    const tested = helm(which, ['test', RELEASE, '-n', NAMESPACE, '--timeout', '180s']);
    expect(tested.stderr).toBe('');
    expect(tested.status).toBe(0);
    expect(tested.stdout).toMatch(/TEST SUITE:\s+todo-chatbot-test-backend[\s\S]*Phase:\s+Succeeded/);
    expect(tested.stdout).toMatch(/TEST SUITE:\s+todo-chatbot-test-frontend[\s\S]*Phase:\s+Succeeded/);
  });

  it('helm upgrade with a changed ConfigMap value rolls both Deployments to new Ready pods that still answer', async () => {
    const upgraded = helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, ...testsImage, '--set', 'config.logLevel=debug', '--wait', '--timeout', '240s']);
    expect(upgraded).toMatchObject({ status: 0, stderr: '' });
    waitForReadyPods(NAMESPACE, APP_PODS, new Date());
    const url = await frontendUrl(NAMESPACE, `${RELEASE}-frontend`);
    expect((await getUntilOk(`${url}/api/todos`)).status).toBe(200);
  });

  it('helm uninstall removes every pod from the node (the garbage collector deletes them after their Deployments)', () => {
    expect(helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait', '--timeout', '180s'])).toMatchObject({ status: 0 });
    expect(waitForNoPods(NAMESPACE)).toEqual([]);
  });
});
