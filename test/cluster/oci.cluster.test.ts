import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, launch, Started, stopProcess, waitFor } from './support/cluster';
import { deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectlJson, synthCommand } from './support/commands';
import { scratchFolder } from '../support/scratch';
import { CHART_NAME } from '../../src/model/helpers';
import { CHART_VERSION } from '../../src/synth';

const NAMESPACE = 'todo-chatbot-oci';
const RELEASE = 'todo-chatbot';

/*
 * The chart as platform teams get it: pushed to an OCI registry and installed from it. The registry is
 * distribution's, built from its Go module (test/cluster/build.sh registry), serving plain HTTP on
 * 127.0.0.1 from a folder of this run; it stops with the run.
 */
describe(`the chart from an OCI registry on 127.0.0.1, on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const { tgz } = synthCommand();
  let registry: Started;
  let address = '';

  beforeAll(async () => {
    const dir = scratchFolder('registry');
    mkdirSync(join(dir, 'logs'));
    address = `127.0.0.1:${await freePort()}`;
    const config = join(dir, 'config.yml');
    writeFileSync(config, JSON.stringify({ version: 0.1, log: { level: 'warn' }, storage: { filesystem: { rootdirectory: join(dir, 'data') } }, http: { addr: address } }));
    registry = launch(dir, 'registry', join(process.env.REGISTRY_DIR ?? '', 'registry'), ['serve', config]);
    await waitFor(registry, 'serving the registry API', async () => (await fetch(`http://${address}/v2/`).catch(() => undefined))?.status === 200);
  });
  afterAll(async () => {
    if (registry) await stopProcess(registry);
  });
  afterEach(() => deleteNamespace(NAMESPACE));

  it.each(HELMS.map((which) => [which.major, which] as const))('helm v%i: helm push stores the packaged chart, and helm install oci://... installs that chart and rolls out', (_major, which) => {
    const pushed = helm(which, ['push', tgz, `oci://${address}/charts`, '--plain-http']);
    expect({ status: pushed.status, stderr: pushed.stderr }).toMatchObject({ status: 0 });
    expect(pushed.stdout + pushed.stderr).toContain(`Pushed: ${address}/charts/${CHART_NAME}:${CHART_VERSION}`);
    helmNamespaceWithSecret(NAMESPACE);
    const installed = helm(which, ['install', RELEASE, `oci://${address}/charts/${CHART_NAME}`, '--version', CHART_VERSION, '--plain-http', '-n', NAMESPACE, '--wait', '--timeout', '180s']);
    expect({ status: installed.status, stderr: installed.stderr.replace(/^(Pulled|Digest): .*\n/gm, '') }).toEqual({ status: 0, stderr: '' });
    const release = JSON.parse(helm(which, ['list', '-n', NAMESPACE, '-o', 'json']).stdout) as { chart: string }[];
    expect(release.map(({ chart }) => chart)).toEqual([`${CHART_NAME}-${CHART_VERSION}`]);
    for (const name of ['todo-chatbot-backend', 'todo-chatbot-frontend']) {
      const deployment = kubectlJson(['get', 'deployment', name, '-n', NAMESPACE]);
      expect({ name, ready: deployment.status.readyReplicas }).toEqual({ name, ready: deployment.spec.replicas });
    }
    helm(which, ['uninstall', RELEASE, '-n', NAMESPACE, '--wait']);
  });

  it('a chart version the registry does not hold is refused by name', () => {
    const [which] = HELMS;
    const missing = helm(which, ['template', RELEASE, `oci://${address}/charts/${CHART_NAME}`, '--version', '99.0.0', '--plain-http']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/99\.0\.0.*not found|not found.*99\.0\.0/);
  });
});
