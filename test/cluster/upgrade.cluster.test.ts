import { join } from 'node:path';
import { previousRelease } from '../../scripts/release';
import { CHART_VERSION } from '../../src/synth';
import { deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectl, kubectlJson, kubectlOk, rawNamespaceWithSecret, rolloutStatus, Run, synthCommand, withRegression } from './support/commands';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const DEPLOYMENTS = ['todo-chatbot-backend', 'todo-chatbot-frontend'];
/** What users of the previous chart version run today (see its README). */
const PREVIOUS = previousRelease();

/** Installs the previous raw manifests as README said then, and waits for them. */
function installPreviousRaw(): void {
  rawNamespaceWithSecret(PREVIOUS.folder, NAMESPACE);
  kubectlOk(['apply', '-f', join(PREVIOUS.folder, '20-todo-chatbot.yaml')]);
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

/** The Deployments' replica counts and images, to see which chart's objects run. */
function running(): Record<string, { replicas: number; image: string; updated: number }> {
  return Object.fromEntries(
    DEPLOYMENTS.map((name) => {
      const deployment = kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]);
      return [name, { replicas: deployment.spec.replicas, image: deployment.spec.template.spec.containers[0].image, updated: deployment.status.updatedReplicas }];
    }),
  );
}

describe(`upgrade from the previous release (chart ${PREVIOUS.version}) on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
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
    expect(helm(which, ['install', RELEASE, PREVIOUS.tgz, '-n', NAMESPACE, '--wait', '--timeout', '180s'])).toMatchObject({ status: 0 });
    const upgraded = helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect(upgraded.stderr).toBe('');
    expect(upgraded.status).toBe(0);
    for (const name of DEPLOYMENTS) {
      const deployment = kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]);
      expect(deployment.status.updatedReplicas).toBe(deployment.spec.replicas);
    }
    helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait']);
  });

  it.each(HELMS.map((which) => [which.major, which] as const))(
    'helm v%i: --reuse-values and --reset-then-reuse-values keep what the user set at install over a release that lacked the new keys, and a rollback brings the previous release back',
    (_major, which) => {
      helmNamespaceWithSecret(NAMESPACE);
      const wait = ['-n', NAMESPACE, '--wait', '--timeout', '180s'];
      // What a user set at install, which both kinds of reuse must keep.
      expect(helm(which, ['install', RELEASE, PREVIOUS.tgz, ...wait, '--set', 'backend.replicas=1'])).toMatchObject({ status: 0 });
      const installed = running();
      for (const reuse of ['--reuse-values', '--reset-then-reuse-values']) {
        const upgraded = helm(which, ['upgrade', RELEASE, tgz, ...wait, reuse]);
        expect({ reuse, status: upgraded.status, stderr: upgraded.stderr }).toEqual({ reuse, status: 0, stderr: '' });
        const now = running();
        expect({ reuse, backend: now['todo-chatbot-backend'].replicas }).toEqual({ reuse, backend: 1 });
        for (const name of DEPLOYMENTS) expect({ reuse, name, rolledOut: now[name].updated }).toEqual({ reuse, name, rolledOut: now[name].replicas });
      }
      // Revision 1 is the previous release's install: a rollback runs its objects again.
      const rolledBack = helm(which, ['rollback', RELEASE, '1', ...wait]);
      expect({ status: rolledBack.status, stderr: rolledBack.stderr }).toEqual({ status: 0, stderr: '' });
      expect(running()).toEqual(installed);
      const history = helm(which, ['history', RELEASE, '-n', NAMESPACE, '-o', 'json']);
      expect(JSON.parse(history.stdout).map((revision: { chart: string }) => revision.chart)).toEqual([`todo-chatbot-${PREVIOUS.version}`, `todo-chatbot-${CHART_VERSION}`, `todo-chatbot-${CHART_VERSION}`, `todo-chatbot-${PREVIOUS.version}`]);
      helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait']);
    },
  );
});
