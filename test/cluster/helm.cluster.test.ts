import { profiles } from '../../src/config/profiles';
import { COMPONENTS } from '../../src/config/schema';
import { deleteNamespace, helm, helmNamespaceWithSecret, helmOk, HELMS, kubectl, kubectlJson, objectsIn, OUR_KINDS, replicaSetsByDeployment, synthCommand } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const DEPLOYMENTS = ['todo-chatbot-backend', 'todo-chatbot-frontend'];

/** README's Helm path, command by command, with each Helm major version. */
describe.each(HELMS.map((which) => [which.major, which] as const))(`the chart on Kubernetes ${process.env.CLUSTER_VERSION} with helm v%i: README's Helm path`, (_major, which) => {
  const { tgz } = synthCommand();
  const configOf = () => kubectlJson(['get', 'configmap', 'todo-chatbot-config', '-n', NAMESPACE]).data;
  const podTemplateHashes = () =>
    Object.fromEntries(DEPLOYMENTS.map((name) => [name, kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]).spec.template.metadata.annotations['checksum/config']]));
  afterAll(() => deleteNamespace(NAMESPACE));

  it('kubectl create namespace, label it restricted, create the Secret, helm install --wait: deployed, NOTES printed', () => {
    helmNamespaceWithSecret(NAMESPACE);
    const installed = helm(which, ['install', RELEASE, tgz, '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    expect(installed.stdout).toMatch(/STATUS: deployed/);
    // The default frontend Service is a LoadBalancer: NOTES say how to reach it on Minikube.
    expect(installed.stdout).toContain('minikube tunnel');
    expect(installed.stdout).toContain('kubectl get service todo-chatbot-frontend -n todo-chatbot');
    for (const component of COMPONENTS) expect(kubectlJson(['get', 'deployment', `todo-chatbot-${component}`, '-n', NAMESPACE]).status.readyReplicas).toBe(profiles.minikube[component].replicas);
  });

  it.each([
    ['NodePort', 'minikube service todo-chatbot-frontend -n todo-chatbot --url'],
    ['ClusterIP', 'kubectl port-forward service/todo-chatbot-frontend 8080:80 -n todo-chatbot'],
  ])('NOTES for a %s frontend tell how to reach it (helm install --dry-run against the cluster)', (type, expected) => {
    const dryRun = helm(which, ['install', 'notes-check', tgz, '-n', NAMESPACE, '--dry-run', '--set', `frontend.service.type=${type}`]);
    expect(dryRun.status).toBe(0);
    expect(dryRun.stdout).toContain(expected.replaceAll('todo-chatbot-frontend', 'notes-check-frontend'));
    expect(dryRun.stdout).not.toContain('minikube tunnel');
  });

  it('helm test passes: its pods are admitted under Pod Security "restricted" and succeed', () => {
    const tested = helm(which, ['test', RELEASE, '-n', NAMESPACE, '--timeout', '180s']);
    expect(tested.stderr).toBe('');
    expect(tested.status).toBe(0);
    expect(tested.stdout).toMatch(/TEST SUITE:\s+todo-chatbot-test-backend[\s\S]*Phase:\s+Succeeded/);
    expect(tested.stdout).toMatch(/TEST SUITE:\s+todo-chatbot-test-frontend[\s\S]*Phase:\s+Succeeded/);
  });

  it('helm upgrade with unchanged values rolls nothing', () => {
    const before = replicaSetsByDeployment(NAMESPACE);
    const upgraded = helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect(upgraded).toMatchObject({ status: 0, stderr: '' });
    expect(replicaSetsByDeployment(NAMESPACE)).toEqual(before);
  });

  it('helm upgrade with a changed ConfigMap value rolls both Deployments: a new ReplicaSet each', () => {
    const before = replicaSetsByDeployment(NAMESPACE);
    const checksums = podTemplateHashes();
    const upgraded = helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, '--set', 'config.logLevel=debug', '--wait', '--timeout', '180s']);
    expect(upgraded).toMatchObject({ status: 0, stderr: '' });
    expect(configOf().LOG_LEVEL).toBe('debug');
    expect(replicaSetsByDeployment(NAMESPACE)).toEqual(Object.fromEntries(DEPLOYMENTS.map((name) => [name, before[name] + 1])));
    const after = podTemplateHashes();
    for (const name of DEPLOYMENTS) expect(after[name]).not.toBe(checksums[name]);
  });

  it('helm rollback returns the ConfigMap and the pods to the first revision', () => {
    const rolledBack = helm(which, ['rollback', RELEASE, '1', '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect(rolledBack).toMatchObject({ status: 0 });
    expect(configOf().LOG_LEVEL).toBe('info');
    const history = helmOk(which, ['history', RELEASE, '-n', NAMESPACE, '-o', 'json']);
    expect(JSON.parse(history).at(-1)).toMatchObject({ status: 'deployed', description: 'Rollback to 1' });
    for (const name of DEPLOYMENTS) {
      const deployment = kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]);
      expect(deployment.status.updatedReplicas).toBe(deployment.spec.replicas);
    }
  });

  it('helm uninstall leaves only the namespace and what was made outside the chart', () => {
    const uninstalled = helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect(uninstalled).toMatchObject({ status: 0 });
    expect(kubectl(['get', 'namespace', NAMESPACE]).status).toBe(0);
    const left = objectsIn(NAMESPACE, OUR_KINDS).filter((name) => !/^(ConfigMap\/kube-root-ca\.crt|ServiceAccount\/default)$/.test(name));
    // The Secret was created with kubectl, before the install (README): the chart does not own it.
    expect(left).toEqual(['Secret/todo-chatbot-secrets']);
  });
});
