import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createSecret, deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectl, kubectlOk, rolloutStatus, Run, synthCommand, withRegression } from '../cluster/support/commands';
import { frontendUrl, getUntilOk, waitForReadyPods } from './support/app';
import { STATE_DIR } from './support/host';
import { builtImages, fullyQualified, testsImageValuesFile, valuesFile } from './support/images';
import { LoadResult, reportRollout, startLoad } from './support/load';
import { ctrArgs } from './support/node';
import { programmedBetween, programmingHistogram } from './support/proxy-metrics';
import { secretEnvFile } from './support/outside';

const NAMESPACE = 'todo-chatbot';
const RELEASE = 'todo-chatbot';
const APP_PODS = 'app.kubernetes.io/instance=todo-chatbot,app.kubernetes.io/component in (backend,frontend)';
const DEPLOYMENTS = ['todo-chatbot-backend', 'todo-chatbot-frontend'];
/** Below this a rollout window proves nothing. */
const MIN_REQUESTS = 100;

/**
 * Requests through the frontend Service to `/` and `/api/todos` (frontend and backend both answer) while
 * `command` rolls both Deployments: counted from the command's start until the rollout is complete (each
 * Deployment's controller has seen the change and rolled it out, `kubectl rollout status`, then every pod
 * Ready and every old pod gone), without retries. `kubectl apply` returns before the controller acts:
 * without rollout status the pods still all look settled and the window would close at once.
 */
async function duringRollout(url: string, command: () => Run): Promise<LoadResult> {
  const programmedBefore = await programmingHistogram();
  const load = startLoad([`${url}/`, `${url}/api/todos`]);
  const started = new Date();
  try {
    expect(command()).toMatchObject({ status: 0 });
    rolloutStatus(NAMESPACE, DEPLOYMENTS, '240s');
    waitForReadyPods(NAMESPACE, APP_PODS, started);
  } catch (error) {
    await load.stop();
    throw error;
  }
  const result = await load.stop();
  // What the preStop pause must outlast, measured: printed, never asserted (a figure of this machine's).
  const { changes, withinSeconds } = programmedBetween(programmedBefore, await programmingHistogram());
  process.stderr.write(`  kube-proxy programmed ${changes} endpoint changes, each within ${withinSeconds} s\n`);
  return result;
}

function expectNoFailures(scenario: string, result: LoadResult): void {
  reportRollout(scenario, result);
  expect(result.failed).toBe(0);
  expect(result.requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
}

/** The reference images under a second tag, so that an image change rolls the pods without a registry. */
function tagImages(tag: string): void {
  const images = builtImages(process.env.NODE_IMAGES_DIR ?? '');
  for (const image of [images.backend, images.frontend]) {
    const source = fullyQualified(image);
    execFileSync('ctr', ctrArgs(STATE_DIR, ['images', 'tag', '--force', source, source.replace(/:[^:/]+$/, `:${tag}`)]), { stdio: 'ignore' });
  }
}

/** Rollouts of README's Helm path, measured while a client keeps asking: each must drop no request. */
describe(`rollouts on a real node, Kubernetes ${process.env.CLUSTER_VERSION}, helm v${HELMS[0].major}: no failed request`, () => {
  const { tgz } = synthCommand();
  const which = HELMS[0];
  const values = ['-f', testsImageValuesFile()];
  let url = '';
  beforeAll(async () => {
    helmNamespaceWithSecret(NAMESPACE, secretEnvFile());
    helm(which, ['install', RELEASE, tgz, '-n', NAMESPACE, ...values, '--wait', '--timeout', '240s']);
    url = await frontendUrl(NAMESPACE, `${RELEASE}-frontend`);
    expect((await getUntilOk(`${url}/api/todos`)).status).toBe(200);
  });
  afterAll(() => deleteNamespace(NAMESPACE));

  it('helm upgrade with a changed ConfigMap value', async () => {
    const result = await duringRollout(url, () => helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, ...values, '--set', 'config.logLevel=debug', '--wait', '--timeout', '240s']));
    expectNoFailures('helm-upgrade-config', result);
  });

  it('helm upgrade with a new image tag for both components', async () => {
    tagImages('rollout');
    const images = ['--set', 'backend.image.tag=rollout', '--set', 'frontend.image.tag=rollout'];
    const result = await duringRollout(url, () => helm(which, ['upgrade', RELEASE, tgz, '-n', NAMESPACE, ...values, '--set', 'config.logLevel=debug', ...images, '--wait', '--timeout', '240s']));
    expectNoFailures('helm-upgrade-image', result);
  });

  it('helm rollback to the first revision', async () => {
    const result = await duringRollout(url, () => helm(which, ['rollback', RELEASE, '1', '-n', NAMESPACE, '--wait', '--timeout', '240s']));
    expectNoFailures('helm-rollback', result);
  });
});

/** README's raw path: a changed config applied with kubectl, and the regression this measurement exists to catch. */
describe(`rollouts on a real node, Kubernetes ${process.env.CLUSTER_VERSION}, kubectl apply: no failed request`, () => {
  const { dist } = synthCommand();
  const { dist: changed } = synthCommand(['--values', valuesFile('rollout-debug', { config: { logLevel: 'debug' } })]);
  let url = '';
  beforeAll(async () => {
    kubectlOk(['apply', '-f', join(dist, '00-namespace.yaml')]);
    createSecret(NAMESPACE, undefined, secretEnvFile());
    kubectlOk(['apply', '-f', `${dist}/`]);
    waitForReadyPods(NAMESPACE, APP_PODS, new Date());
    url = await frontendUrl(NAMESPACE, `${RELEASE}-frontend`);
    expect((await getUntilOk(`${url}/api/todos`)).status).toBe(200);
  });
  afterAll(() => deleteNamespace(NAMESPACE));

  it('kubectl apply of a changed config', async () => {
    const result = await duringRollout(url, () => kubectl(['apply', '-f', `${changed}/`]));
    expectNoFailures('kubectl-apply-config', result);
  });

  it('a Deployment that lets every old pod go before a new one is Ready drops requests, so this tier catches it', async () => {
    const allAtOnce = withRegression(dist, (object) => {
      if (object.kind !== 'Deployment') return;
      object.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: '100%' };
      // With no Ready endpoint left, kube-proxy sends new connections to the stopping pods still serving
      // their preStop pause: the new pods here turn Ready only after that pause, so the gap is certain.
      const [container] = object.spec.template.spec.containers;
      const pause = Number(container.lifecycle.preStop.exec.command[1]);
      container.startupProbe.initialDelaySeconds = pause + 10;
    });
    const result = await duringRollout(url, () => kubectl(['apply', '-f', allAtOnce]));
    reportRollout('regression-all-old-pods-first', result);
    expect(result.failed).toBeGreaterThan(0);
  });
});
