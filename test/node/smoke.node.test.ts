import { join } from 'node:path';
import { createSecret, deleteNamespace, HELMS, kubectlOk, pathWithHelm, runSmoke, synthCommand } from '../cluster/support/commands';
import { testsImageValuesFile } from './support/images';
import { secretEnvFile } from './support/outside';

const NAMESPACE = 'todo-chatbot';

/** `npm run smoke` as a Minikube user runs it, HTTP checks included: port-forwards to real pods, GETs, helm test. */
describe(`npm run smoke on a real node, Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const { dist } = synthCommand();
  afterEach(() => deleteNamespace(NAMESPACE));

  it('--raw: applies, waits for the rollout, GETs /health and / through port-forwards and passes', () => {
    kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
    createSecret(NAMESPACE, undefined, secretEnvFile());
    const smoke = runSmoke(['--raw', '--dist', dist, '--timeout', '240s'], process.env);
    expect({ status: smoke.status, stderr: smoke.stderr }).toEqual({ status: 0, stderr: '' });
    expect(smoke.stdout).toContain('ok: GET /health on todo-chatbot-backend');
    expect(smoke.stdout).toContain('ok: GET / on todo-chatbot-frontend');
    expect(smoke.stdout).not.toContain('skipped');
    expect(smoke.stdout).toContain('smoke test passed: todo-chatbot in todo-chatbot (raw)');
  });

  it.each(HELMS.map((which) => [which.major, which] as const))('--helm with helm v%i: installs, GETs both endpoints, runs helm test with real pods and passes', (_major, which) => {
    kubectlOk(['create', 'namespace', NAMESPACE]);
    createSecret(NAMESPACE, undefined, secretEnvFile());
    const smoke = runSmoke(['--helm', '--dist', dist, '--values', testsImageValuesFile(), '--timeout', '240s'], { ...process.env, PATH: pathWithHelm(which) });
    expect({ status: smoke.status, stderr: smoke.stderr }).toEqual({ status: 0, stderr: '' });
    expect(smoke.stdout).toContain('ok: GET /health on todo-chatbot-backend');
    expect(smoke.stdout).toContain('ok: GET / on todo-chatbot-frontend');
    expect(smoke.stdout).toMatch(/Phase:\s+Succeeded/);
    expect(smoke.stdout).toContain('smoke test passed: todo-chatbot in todo-chatbot (helm)');
  });
});
