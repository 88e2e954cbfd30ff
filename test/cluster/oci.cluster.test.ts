import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, launch, Started, stopProcess, waitFor } from './support/cluster';
import { deleteNamespace, helm, helmNamespaceWithSecret, HELMS, kubectlJson, synthCommand } from './support/commands';
import { Keyring, makeKey } from '../support/keys';
import { scratchFolder } from '../support/scratch';
import { CHART_NAME } from '../../src/model/helpers';
import { CHART_VERSION } from '../../src/synth';

const NAMESPACE = 'todo-chatbot-oci';
const RELEASE = 'todo-chatbot';

/*
 * The chart as platform teams get it: signed by the synth, pushed with its provenance file to an OCI
 * registry, and installed from it with --verify. The registry is distribution's, built from its Go
 * module (test/cluster/build.sh registry), serving plain HTTP on 127.0.0.1 from a folder of this run;
 * it stops with the run. The keys are made by the test.
 */
describe(`the chart from an OCI registry on 127.0.0.1, on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  let tgz = '';
  let signer: Keyring;
  let stranger: Keyring;
  let registry: Started;
  let address = '';

  beforeAll(async () => {
    [signer, stranger] = await Promise.all([makeKey('signer', 'Chart Signer <signer@example.test>'), makeKey('stranger', 'Somebody Else <else@example.test>')]);
    ({ tgz } = synthCommand(['--sign', '--key', 'Chart Signer', '--keyring', signer.secret]));
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

  const fromRegistry = () => [`oci://${address}/charts/${CHART_NAME}`, '--version', CHART_VERSION, '--plain-http'];
  // Helm 4 keeps a pulled chart's provenance file in its content cache by the chart's digest: the
  // same chart (the synth's is byte-identical from run to run) signed again with this run's new key
  // would be checked against an earlier run's provenance file. Each run pulls into a cache of its own.
  const ownContentCache = (which: (typeof HELMS)[number]) => (which.major === 4 ? ['--content-cache', scratchFolder('helm-content')] : []);

  it.each(HELMS.map((which) => [which.major, which] as const))('helm v%i: helm push stores the signed chart, and helm install --verify oci://... checks its signature, installs it and rolls out', (_major, which) => {
    const pushed = helm(which, ['push', tgz, `oci://${address}/charts`, '--plain-http']);
    expect({ status: pushed.status, stderr: pushed.stderr }).toMatchObject({ status: 0 });
    expect(pushed.stdout + pushed.stderr).toContain(`Pushed: ${address}/charts/${CHART_NAME}:${CHART_VERSION}`);
    helmNamespaceWithSecret(NAMESPACE);
    // Signed by another key: refused before anything is installed.
    const cache = ownContentCache(which);
    const refused = helm(which, ['install', RELEASE, ...fromRegistry(), ...cache, '--verify', '--keyring', stranger.public, '-n', NAMESPACE]);
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('signature made by unknown entity') });
    expect(JSON.parse(helm(which, ['list', '-n', NAMESPACE, '-o', 'json']).stdout)).toEqual([]);
    const installed = helm(which, ['install', RELEASE, ...fromRegistry(), ...cache, '--verify', '--keyring', signer.public, '-n', NAMESPACE, '--wait', '--timeout', '180s']);
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
