import { join } from 'node:path';
import { NODE_NAME } from './support/cluster';
import { createSecret, deleteNamespace, HELMS, kubectlOk, pathWithHelm, rawNamespaceWithSecret, runSmoke, synthCommand } from './support/commands';

const NAMESPACE = 'todo-chatbot';

/** `npm run smoke` run for real: only its HTTP checks are skipped, since no container runs under kwok. */
describe(`npm run smoke on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const { dist } = synthCommand();
  afterEach(() => deleteNamespace(NAMESPACE));

  it('--raw --skip-http: applies, waits for the rollout and passes', () => {
    rawNamespaceWithSecret(dist, NAMESPACE);
    const smoke = runSmoke(['--raw', '--skip-http', '--dist', dist, '--timeout', '120s'], process.env);
    expect({ status: smoke.status, stderr: smoke.stderr }).toEqual({ status: 0, stderr: '' });
    expect(smoke.stdout).toContain('skipped: the HTTP checks (--skip-http)');
    expect(smoke.stdout).toContain('smoke test passed: todo-chatbot in todo-chatbot (raw)');
  });

  it('--raw without the Secret stops with the command that creates it', () => {
    kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
    const smoke = runSmoke(['--raw', '--skip-http', '--dist', dist], process.env);
    expect(smoke.status).toBe(1);
    expect(smoke.stderr).toContain('error: Secret todo-chatbot-secrets is missing in namespace todo-chatbot');
  });

  it.each(HELMS.map((which) => [which.major, which] as const))('--helm --skip-http with helm v%i: installs, waits, runs helm test and passes', (_major, which) => {
    kubectlOk(['create', 'namespace', NAMESPACE]);
    createSecret(NAMESPACE);
    const smoke = runSmoke(['--helm', '--skip-http', '--dist', dist, '--timeout', '120s'], { ...process.env, PATH: pathWithHelm(which) });
    expect({ status: smoke.status, stderr: smoke.stderr }).toEqual({ status: 0, stderr: '' });
    expect(smoke.stdout).toMatch(/Phase:\s+Succeeded/);
    expect(smoke.stdout).toContain('smoke test passed: todo-chatbot in todo-chatbot (helm)');
  });

  it('--raw explains a rollout that does not complete: pods, events and the troubleshooting guide', () => {
    // No room on any node (the only one cordoned): the pods stay Pending, as on a full cluster.
    kubectlOk(['cordon', NODE_NAME]);
    try {
      rawNamespaceWithSecret(dist, NAMESPACE);
      const smoke = runSmoke(['--raw', '--skip-http', '--dist', dist, '--timeout', '10s'], process.env);
      expect(smoke.status).toBe(1);
      expect(smoke.stderr).toContain('--- smoke test FAILED: deployment todo-chatbot-backend did not become ready within 10s');
      expect(smoke.stderr).toMatch(/todo-chatbot-backend-\S+\s+0\/1\s+Pending/);
      expect(smoke.stderr).toContain('See docs/troubleshooting.md');
    } finally {
      kubectlOk(['uncordon', NODE_NAME]);
    }
  });
});
