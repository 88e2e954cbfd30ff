import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRequest } from './api';

/**
 * A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver (PodSecurity admission on, as by
 * default; ServiceAccount tokens signed), kube-controller-manager, kube-scheduler, and kwok in place of a
 * kubelet, with one fake node; load-balancer.ts stands in for `minikube tunnel`. Every process writes its
 * log to a file in the cluster's folder.
 */
export interface Cluster {
  /** The folder holding the certificates, the kubeconfigs, etcd's data and the logs. */
  readonly dir: string;
  /** The API server's URL. */
  readonly server: string;
  /** An admin kubeconfig (group system:masters). */
  readonly kubeconfig: string;
  /** The folder of kubectl and the control plane binaries of this Kubernetes version. */
  readonly binDir: string;
  /** What the API server reports, e.g. "v1.37.2". */
  readonly version: string;
  /** Stops every process (SIGTERM, then SIGKILL after 10 s) and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterBinaries {
  /** Holds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (test/cluster/build.sh kubernetes). */
  readonly kubernetesDir: string;
  /**
   * Holds kwok and its stages/ folder (test/cluster/build.sh kwok). Without it no kwok and no fake node
   * start: a real node's tier starts none, since no pod of the app may land on a fake node.
   */
  readonly kwokDir?: string;
}

/** The one fake node every scenario shares: room for the cloud profile at its largest (2 x 100 replicas of 500m and 512Mi). */
export const NODE_NAME = 'kwok-node-0';

/** A node kwok fakes (it manages every node with this annotation): `name`, in zone `zone`, as big as NODE_NAME's. */
export function fakeNode(name: string, zone: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'topology.kubernetes.io/zone': zone, type: 'kwok' },
    },
    status: {
      capacity: { cpu: '256', memory: '1Ti', pods: '500' },
      allocatable: { cpu: '256', memory: '1Ti', pods: '500' },
    },
  };
}

const NODE = fakeNode(NODE_NAME, 'zone-a');

const STOP_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 120_000;

/** A port on `host` that nothing listens on right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A leaf certificate signed by the cluster's CA: `name`.key and `name`.crt in the cluster's folder. */
export function makeCertificate(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
}

/**
 * A CA, the API server's serving certificate (for `address` too), its client certificate for kubelets,
 * one client certificate per identity and the ServiceAccount key pair.
 */
function makeCertificates(dir: string, address: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=todo-chatbot-test-ca']);
  const sans = [...new Set(['127.0.0.1', address])].map((ip) => `IP:${ip}`);
  sans.push('IP:10.96.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local');
  const leaves: [name: string, subject: string, extensions: string][] = [
    ['apiserver', '/CN=kube-apiserver', `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth`],
    ['apiserver-kubelet-client', '/CN=kube-apiserver-kubelet-client', 'extendedKeyUsage=clientAuth'],
    ['admin', '/O=system:masters/CN=todo-chatbot-test-admin', 'extendedKeyUsage=clientAuth'],
    ['controller-manager', '/CN=system:kube-controller-manager', 'extendedKeyUsage=clientAuth'],
    ['scheduler', '/CN=system:kube-scheduler', 'extendedKeyUsage=clientAuth'],
  ];
  for (const [name, subject, extensions] of leaves) makeCertificate(dir, name, subject, extensions);
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

/** A kubeconfig for `identity`, whose certificate is `identity`.crt in the cluster's folder. */
export function kubeconfig(dir: string, server: string, identity: string): string {
  const path = join(dir, `${identity}.kubeconfig`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server, 'certificate-authority': join(dir, 'ca.crt') } }],
      users: [{ name: identity, user: { 'client-certificate': join(dir, `${identity}.crt`), 'client-key': join(dir, `${identity}.key`) } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: identity } }],
      'current-context': 'test',
    }),
    // Helm and kubectl warn about a kubeconfig that others can read.
    { mode: 0o600 },
  );
  return path;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
  exited?: string;
}

/** The last lines of a log file, to show why a process did not come up. */
export function tail(path: string, lines = 30): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
}

/**
 * Every process started here dies the moment the process that started it does, however that ends:
 * setpriv --pdeathsig makes the kernel send it SIGKILL. Ctrl-C therefore stops everything at once (the
 * runner dies of it; no handler here delays that), and so does a killed runner. Each one runs in its own
 * process group, so Ctrl-C does not start the API server's slow graceful shutdown first.
 */
const running = new Set<Started>();
process.once('exit', () => {
  for (const started of running) started.child.kill('SIGKILL');
});

export function launch(dir: string, name: string, binary: string, args: string[]): Started {
  const log = join(dir, 'logs', `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', binary, ...args], { cwd: dir, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const started: Started = { name, child, log };
  running.add(started);
  child.once('exit', (code, signal) => {
    started.exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    running.delete(started);
  });
  return started;
}

export async function stopProcess(started: Started): Promise<void> {
  if (started.exited) return;
  const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
  started.child.kill('SIGTERM');
  const killer = setTimeout(() => started.child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killer);
}

/** Waits until `ready` holds, failing with the process's log tail as soon as it exits or after the timeout. */
export async function waitFor(started: Started, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (started.exited) throw new Error(`${started.name} ${started.exited} before ${what}; the end of ${started.log}:\n${tail(started.log)}`);
    if (await ready()) return;
    await sleep(250);
  }
  throw new Error(`${started.name} did not reach "${what}" within ${START_TIMEOUT_MS / 1000} s; the end of ${started.log}:\n${tail(started.log)}`);
}

/** kwok, in place of a kubelet, for the nodes annotated as fake. */
function launchKwok(dir: string, kwokDir: string, admin: string): Started {
  const stages = join(kwokDir, 'stages');
  const stageFiles = [...readdirSync(stages).map((file) => join(stages, file)), join(__dirname, '..', 'kwok', 'pod-helm-test-succeeded.yaml')];
  return launch(dir, 'kwok', join(kwokDir, 'kwok'), [
    `--kubeconfig=${admin}`,
    '--manage-all-nodes=false',
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    '--node-ip=10.0.0.1',
    '--cidr=10.244.0.0/16',
    // The node's lease is its heartbeat: without one the node controller marks its pods NotReady after 40 s.
    '--node-lease-duration-seconds=40',
    ...stageFiles.map((file) => `--config=${file}`),
  ]);
}

export type Api = (method: string, path: string, body?: object) => ReturnType<typeof adminRequest>;

/** Whether the API server has node `name` with its Ready condition True (kwok's fake node or a kubelet's). */
export async function nodeIsReady(api: Api, name: string): Promise<boolean> {
  const node = JSON.parse((await api('GET', `/api/v1/nodes/${name}`))?.body ?? '{}');
  return node.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Creates the fake node and waits until kwok has made it Ready. */
async function createKwokNode(kwok: Started, api: Api): Promise<void> {
  const created = await api('POST', '/api/v1/nodes', NODE);
  if (created?.status !== 201) throw new Error(`the API server did not create node ${NODE_NAME}: ${created?.status} ${created?.body}`);
  await waitFor(kwok, `node ${NODE_NAME} Ready`, () => nodeIsReady(api, NODE_NAME));
}

export interface ClusterOptions {
  /**
   * The address the API server binds and advertises. On loopback it keeps no endpoints for the
   * `kubernetes` Service (they may not point at loopback); on any other address they point at it, so
   * pods on a real node reach the API server through that Service.
   * @default '127.0.0.1'
   */
  readonly address?: string;
}

/** Starts the control plane; on any failure stops what did start and throws, naming the binary that failed. */
export async function startCluster(binaries: ClusterBinaries, options: ClusterOptions = {}): Promise<Cluster> {
  const { address = '127.0.0.1' } = options;
  const loopback = address === '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'todo-chatbot-cluster-'));
  mkdirSync(join(dir, 'logs'));
  const bin = (name: string) => join(binaries.kubernetesDir, name);
  const processes: Started[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const started of [...processes].reverse()) await stopProcess(started);
    if (!process.env.CLUSTER_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  };

  try {
    makeCertificates(dir, address);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort(address)];

    const etcd = launch(dir, 'etcd', bin('etcd'), [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      // A throwaway store: durability buys nothing here and costs seconds on every write burst.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    processes.push(etcd);
    await waitFor(etcd, 'serving clients', async () => {
      const response = await fetch(`http://127.0.0.1:${etcdClient}/health`).catch(() => undefined);
      return response?.ok === true;
    });

    const apiserver = launch(dir, 'kube-apiserver', bin('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--bind-address=${address}`,
      `--advertise-address=${address}`,
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver')}`,
      `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
      `--client-ca-file=${join(dir, 'ca.crt')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--service-node-port-range=30000-32767',
      '--authorization-mode=Node,RBAC',
      `--kubelet-client-certificate=${join(dir, 'apiserver-kubelet-client.crt')}`,
      `--kubelet-client-key=${join(dir, 'apiserver-kubelet-client.key')}`,
      // A kubelet's address, not its host name: no resolver here knows the node's name.
      '--kubelet-preferred-address-types=InternalIP',
      // Endpoints may not point at loopback: there the `kubernetes` Service has no endpoints, and needs none.
      ...(loopback ? ['--endpoint-reconciler-type=none'] : []),
      '--profiling=false',
    ]);
    processes.push(apiserver);
    const server = `https://${address}:${apiPort}`;
    const api = (method: string, path: string, body?: object) => adminRequest(dir, server, method, path, body);
    await waitFor(apiserver, 'ready (/readyz)', async () => (await api('GET', '/readyz'))?.status === 200);

    const admin = kubeconfig(dir, server, 'admin');
    const controllerManager = launch(dir, 'kube-controller-manager', bin('kube-controller-manager'), [
      `--kubeconfig=${kubeconfig(dir, server, 'controller-manager')}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      '--leader-elect=false',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${join(dir, 'ca.crt')}`,
      '--use-service-account-credentials=true',
      `--cert-dir=${join(dir, 'controller-manager')}`,
    ]);
    processes.push(controllerManager);
    const scheduler = launch(dir, 'kube-scheduler', bin('kube-scheduler'), [
      `--kubeconfig=${kubeconfig(dir, server, 'scheduler')}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      '--leader-elect=false',
    ]);
    processes.push(scheduler);

    const kwok = binaries.kwokDir ? launchKwok(dir, binaries.kwokDir, admin) : undefined;
    if (kwok) processes.push(kwok);
    const loadBalancer = launch(dir, 'load-balancer', process.execPath, ['-r', join(__dirname, '..', '..', '..', 'scripts', 'register.js'), join(__dirname, 'load-balancer.ts'), server, dir]);
    processes.push(loadBalancer);

    if (kwok) await createKwokNode(kwok, api);
    // The ServiceAccount controller has run once the default namespace has its ServiceAccount.
    await waitFor(controllerManager, 'the default ServiceAccount exists', async () => (await api('GET', '/api/v1/namespaces/default/serviceaccounts/default'))?.status === 200);
    for (const started of processes) if (started.exited) throw new Error(`${started.name} ${started.exited}; the end of ${started.log}:\n${tail(started.log)}`);

    const version = JSON.parse((await api('GET', '/version'))?.body ?? '{}').gitVersion as string;
    return { dir, server, kubeconfig: admin, binDir: binaries.kubernetesDir, version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
