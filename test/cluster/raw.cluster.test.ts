import { join } from 'node:path';
import { changesOfAnotherApply, createSecret, defaultPodComponents, deleteNamespace, kubectl, kubectlJson, kubectlOk, objectsIn, OUR_KINDS, rawNamespaceWithSecret, replicaSetsByDeployment, rolloutStatus, synthCommand, withRegression } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const DEPLOYMENTS = ['todo-chatbot-backend', 'todo-chatbot-frontend'];
const RELEASE_SELECTOR = 'app.kubernetes.io/instance=todo-chatbot';

/** README's raw path, command by command, on the default (minikube) settings. */
describe(`raw manifests on Kubernetes ${process.env.CLUSTER_VERSION}: README's kubectl path`, () => {
  const { dist } = synthCommand();
  afterAll(() => deleteNamespace(NAMESPACE));

  it('kubectl apply -f dist/00-namespace.yaml makes a namespace that enforces Pod Security "restricted"', () => {
    const applied = kubectl(['apply', '-f', join(dist, '00-namespace.yaml')]);
    expect(applied).toMatchObject({ status: 0, stderr: '' });
    expect(kubectlJson(['get', 'namespace', NAMESPACE]).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('kubectl create secret generic ... then kubectl apply -f dist/ creates everything without a single warning', () => {
    createSecret(NAMESPACE);
    // From README's bash block: its three keys as written, and 32 random bytes made by node, without openssl.
    const data = kubectlJson(['get', 'secret', 'todo-chatbot-secrets', '-n', NAMESPACE]).data as Record<string, string>;
    const value = (key: string) => Buffer.from(data[key], 'base64').toString('utf8');
    expect(Object.keys(data).sort()).toEqual(['BETTER_AUTH_SECRET', 'DATABASE_URL', 'OPENAI_API_KEY']);
    expect([value('DATABASE_URL'), value('OPENAI_API_KEY')]).toEqual(['postgresql://USER:PASSWORD@HOST/DB?sslmode=require', 'sk-...']);
    expect(Buffer.from(value('BETTER_AUTH_SECRET'), 'base64')).toHaveLength(32);
    const applied = kubectl(['apply', '-f', `${dist}/`]);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/deployment\.apps\/todo-chatbot-backend created/);
  });

  it('each Deployment passes kubectl rollout status, its pods admitted under Pod Security "restricted" and scheduled', () => {
    rolloutStatus(NAMESPACE, DEPLOYMENTS);
    const pods = kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', RELEASE_SELECTOR]).items;
    expect(pods.map((pod: any) => pod.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(defaultPodComponents());
    for (const pod of pods) {
      expect(pod.spec.nodeName).toBeTruthy();
      expect(pod.status.phase).toBe('Running');
    }
  });

  it('a second kubectl apply -f dist/ changes nothing and rolls nothing', () => {
    const before = replicaSetsByDeployment(NAMESPACE);
    const generations = DEPLOYMENTS.map((name) => kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]).metadata.generation);
    expect(changesOfAnotherApply(['-f', `${dist}/`])).toEqual([]);
    expect(replicaSetsByDeployment(NAMESPACE)).toEqual(before);
    expect(DEPLOYMENTS.map((name) => kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]).metadata.generation)).toEqual(generations);
  });

  it('kubectl apply --dry-run=server --validate=strict -f dist/ is clean', () => {
    expect(kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', `${dist}/`])).toMatchObject({ status: 0, stderr: '' });
  });

  it('kubectl delete -f dist/ leaves nothing: the namespace and everything in it are gone', () => {
    expect(kubectl(['delete', '-f', `${dist}/`, '--wait=true', '--timeout=180s'])).toMatchObject({ status: 0, stderr: '' });
    expect(kubectl(['get', 'namespace', NAMESPACE]).stderr).toContain('NotFound');
    expect(objectsIn('default', OUR_KINDS, RELEASE_SELECTOR)).toEqual([]);
    expect(kubectlOk(['get', 'clusterroles,clusterrolebindings,ingressclasses', '-l', RELEASE_SELECTOR, '-o', 'name'])).toBe('');
  });

  it('a container that may escalate privileges is refused by Pod Security admission, so this scenario catches it', () => {
    rawNamespaceWithSecret(dist, NAMESPACE);
    const escalating = withRegression(dist, (object) => {
      if (object.kind === 'Deployment') delete object.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation;
    });
    const applied = kubectl(['apply', '-f', escalating]);
    expect(applied.stderr).toContain('would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false');
    expect(kubectl(['rollout', 'status', 'deployment/todo-chatbot-backend', '-n', NAMESPACE, '--timeout=10s']).status).not.toBe(0);
    const events = kubectlJson(['get', 'events', '-n', NAMESPACE, '--field-selector', 'reason=FailedCreate']).items;
    expect(events.map((event: { message: string }) => event.message).join('\n')).toMatch(/forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    expect(kubectlJson(['get', 'pods', '-n', NAMESPACE, '-l', RELEASE_SELECTOR]).items).toEqual([]);
    deleteNamespace(NAMESPACE);
  });
});
