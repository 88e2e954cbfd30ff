import { join } from 'node:path';
import { deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectl, kubectlJson, kubectlOk, rawNamespaceWithSecret, rolloutStatus, Run, synthCommand, withRegression } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const DEPLOYMENTS = ['todo-chatbot-backend', 'todo-chatbot-frontend'];
/** What users of the previous chart version run today (see its README). */
const PREVIOUS = join(__dirname, 'fixtures', 'release-0.1.0');

/** Installs the previous raw manifests as README said then, and waits for them. */
function installPreviousRaw(): void {
  rawNamespaceWithSecret(PREVIOUS, NAMESPACE);
  kubectlOk(['apply', '-f', join(PREVIOUS, '20-todo-chatbot.yaml')]);
  rolloutStatus(NAMESPACE, DEPLOYMENTS);
}

/** The current manifests with the backend Deployment's selector changed, as a careless refactoring of the labels would. */
function withChangedSelector(dist: string): string {
  return withRegression(dist, (object) => {
    if (object.kind === 'Deployment' && object.metadata.name === 'todo-chatbot-backend') {
      object.spec.selector.matchLabels['app.kubernetes.io/component'] = 'api';
      object.spec.template.metadata.labels['app.kubernetes.io/component'] = 'api';
    }
  });
}

/** Applies the current output over the previous one: what `kubectl apply -f dist/` does after a user pulls the new version. */
function upgradeRaw(file: string): Run {
  return kubectl(['apply', '-f', file]);
}

describe(`upgrade from the previous release (chart 0.1.0) on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const { dist, tgz } = synthCommand();
  afterEach(() => deleteNamespace(NAMESPACE));

  it('raw: kubectl apply -f dist/ over the previous manifests succeeds without an immutable-field error, and rolls out', () => {
    installPreviousRaw();
    const upgraded = upgradeRaw(`${dist}/`);
    expect(upgraded.stderr).toBe('');
    expect(upgraded.status).toBe(0);
    rolloutStatus(NAMESPACE, DEPLOYMENTS);
  });

  it('raw: the same upgrade fails when the current selector differs, so this scenario catches a changed selector', () => {
    installPreviousRaw();
    const upgraded = upgradeRaw(withChangedSelector(dist));
    expect(upgraded.status).not.toBe(0);
    expect(upgraded.stderr).toMatch(/The Deployment "todo-chatbot-backend" is invalid: spec\.selector: Invalid value: .*field is immutable/);
  });

  it.each(HELMS.map((which) => [which.major, which] as const))('helm v%i: helm upgrade from the previous chart to the current one succeeds and rolls out', (_major, which) => {
    helmNamespaceWithSecret(NAMESPACE);
    const previousChart = join(PREVIOUS, 'todo-chatbot-0.1.0.tgz');
    expect(helm(which, ['install', RELEASE, previousChart, '-n', NAMESPACE, '--wait', '--timeout', '180s'])).toMatchObject({ status: 0 });
    const upgraded = helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect(upgraded.stderr).toBe('');
    expect(upgraded.status).toBe(0);
    for (const name of DEPLOYMENTS) {
      const deployment = kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]);
      expect(deployment.status.updatedReplicas).toBe(deployment.spec.replicas);
    }
    helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait']);
  });
});
