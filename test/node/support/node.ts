import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, Cluster, freePort, kubeconfig, launch, makeCertificate, nodeIsReady, Started, startCluster, stopProcess, tail, waitFor } from '../../cluster/support/cluster';
import { adminRequest } from '../../cluster/support/api';
import { recordHost, restoreHost, STATE_DIR } from './host';
import { BRIDGE, CGROUP_ROOT, CLUSTER_CIDR, CLUSTER_DOMAIN, DNS_SERVICE_IP, NODE_IP, NODE_NAME, POD_SUBNET, SERVICE_CIDR } from './network';
import { coreDnsManifests } from './coredns';
import { clusterRoleFor, ApiServerPost } from './rbac';
import { builtImages, fullyQualified } from './images';
import { sh, startOutside } from './outside';

/**
 * A real worker node beside the control plane: containerd with runc, CNI bridge networking, the kubelet,
 * kube-proxy in iptables mode, kube-router's firewall enforcing NetworkPolicies, CoreDNS as a Deployment
 * in kube-system, and the world outside the cluster in a namespace of its own (outside.ts), all on this machine. Everything
 * it writes lives in one state folder, and everything it changes on the host is undone by restoreHost
 * (host.ts) from what recordHost wrote there first.
 */
export interface NodeCluster extends Cluster {
  /** The node's name, as the API server knows it. */
  readonly nodeName: string;
  /** Seconds from the kubelet's start to the node Ready, and from CoreDNS' apply to its pod Ready. */
  readonly startTimes: { readonly nodeReady: number; readonly dnsReady: number };
  /** The Secret's env file, for `kubectl create secret generic --from-env-file`: its DATABASE_URL names the outside PostgreSQL. */
  readonly secretEnvFile: string;
  /** The CA of the outside HTTPS stand-in's certificate. */
  readonly outsideCaFile: string;
  /** kube-proxy's Prometheus metrics, on localhost. */
  readonly proxyMetricsUrl: string;
}

export interface NodeBinaries {
  /** Holds the control plane, kubectl, the kubelet and kube-proxy of one release (test/cluster/build.sh kubernetes). */
  readonly kubernetesDir: string;
  /** The reference images and the node's own (pause, CoreDNS) as `docker save` archives (test/node/build.sh images). */
  readonly imagesDir: string;
  /** Holds kube-router (test/node/build.sh kube-router). */
  readonly kubeRouterDir: string;
}

function kubernetesMinor(version: string): number {
  return Number(/^v1\.(\d+)\./.exec(version)?.[1] ?? 0);
}

/** The pods' network: the bridge with the node's address, and the Service network routed onto it. */
function createNetwork(): void {
  sh('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  sh('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE]);
  sh('ip', ['link', 'set', BRIDGE, 'up']);
  sh('ip', ['route', 'add', SERVICE_CIDR, 'dev', BRIDGE]);
  // Pods reach Services and each other through the host (restoreHost puts the recorded value back).
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1\n');
}

function writeCniConfig(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, '10-todo-chatbot.conflist'),
    JSON.stringify({
      cniVersion: '0.4.0',
      name: 'todo-chatbot-node',
      plugins: [
        // No masquerade: no pod traffic is meant to leave this machine.
        {
          type: 'bridge',
          bridge: BRIDGE,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          // The address leases live in the state folder too, not in /var/lib/cni.
          ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: POD_SUBNET, gateway: NODE_IP }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }),
  );
}

function writeContainerdConfig(dir: string, pauseImage: string): string {
  const path = join(dir, 'containerd.toml');
  writeFileSync(
    path,
    `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "${dir}/containerd.sock"

[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  # There is no registry.k8s.io/pause to pull: the tier's own pause image, imported.
  sandbox_image = "${pauseImage}"
  # Root here lacks CAP_SYS_RESOURCE: without this every container fails to start.
  restrict_oom_score_adj = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni"
`,
  );
  return path;
}

/** The node's cgroup in each cgroup v1 hierarchy; a new cpuset starts empty, so it gets its parent's CPUs and memory nodes. */
function createCgroupRoot(): void {
  for (const hierarchy of readdirSync('/sys/fs/cgroup')) {
    const root = join('/sys/fs/cgroup', hierarchy);
    if (!existsSync(join(root, 'cgroup.procs'))) continue;
    mkdirSync(join(root, CGROUP_ROOT), { recursive: true });
    if (hierarchy === 'cpuset') {
      for (const file of ['cpuset.cpus', 'cpuset.mems']) writeFileSync(join(root, CGROUP_ROOT, file), readFileSync(join(root, file), 'utf8'));
    }
  }
}

function writeKubeletConfig(dir: string, certs: string, version: string, port: number, healthzPort: number): string {
  const path = join(dir, 'kubelet-config.json');
  writeFileSync(join(dir, 'resolv.conf'), '# Pods with dnsPolicy Default: nothing outside the cluster resolves here.\n');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      address: NODE_IP,
      port,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort,
      tlsCertFile: join(certs, 'kubelet-serving.crt'),
      tlsPrivateKeyFile: join(certs, 'kubelet-serving.key'),
      // Only the API server (a client certificate of the cluster's CA) talks to this kubelet.
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: join(certs, 'ca.crt') } },
      authorization: { mode: 'AlwaysAllow' },
      containerRuntimeEndpoint: `unix://${dir}/containerd.sock`,
      cgroupDriver: 'cgroupfs',
      cgroupRoot: `/${CGROUP_ROOT}`,
      clusterDNS: [DNS_SERVICE_IP],
      clusterDomain: CLUSTER_DOMAIN,
      resolvConf: join(dir, 'resolv.conf'),
      failSwapOn: false,
      // Root here lacks CAP_SYS_RESOURCE: the kubelet may not lower its own OOM score.
      oomScoreAdj: 0,
      // The images were imported, not pulled: collected, they could never come back. Eviction thresholds
      // low enough for a disk this node shares with everything else on the machine.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'nodefs.inodesFree': '1%', 'imagefs.available': '1%' },
      serializeImagePulls: false,
      // kubelet 1.31 and later refuse a cgroup v1 host unless told not to; 1.28 has no such setting.
      ...(kubernetesMinor(version) >= 31 ? { failCgroupV1: false } : {}),
    }),
  );
  return path;
}

function writeKubeProxyConfig(dir: string, kubeconfigPath: string, healthzPort: number, metricsPort: number): string {
  const path = join(dir, 'kube-proxy-config.json');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      clientConnection: { kubeconfig: kubeconfigPath },
      mode: 'iptables',
      hostnameOverride: NODE_NAME,
      clusterCIDR: CLUSTER_CIDR,
      healthzBindAddress: `127.0.0.1:${healthzPort}`,
      metricsBindAddress: `127.0.0.1:${metricsPort}`,
      // NodePorts on the node's bridge address only, never on this machine's own interfaces or localhost.
      nodePortAddresses: [`${NODE_IP}/32`],
      iptables: { localhostNodePorts: false },
      // 0: leave this machine's conntrack table and timeouts as they are.
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    }),
  );
  return path;
}

/** What kube-router's network policy controller reads (its own manifests' ClusterRole, less what the router and proxy need). */
const KUBE_ROUTER_RBAC = clusterRoleFor(
  'todo-chatbot-node:kube-router',
  [
    { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes', 'endpoints'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  ],
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'kube-router' },
);

/** Objects the node's own components need, made through the API server. */
async function create(api: Api, manifests: readonly ApiServerPost[]): Promise<void> {
  for (const manifest of manifests) {
    const created = await api('POST', manifest.path, manifest.object);
    if (created?.status !== 201) throw new Error(`the API server did not create ${manifest.path} ${manifest.object.metadata.name}: ${created?.status} ${created?.body}`);
  }
}

/** ctr on the node's containerd, in the namespace the CRI plugin (and so the kubelet) uses. */
export function ctrArgs(dir: string, args: readonly string[]): string[] {
  return ['--address', join(dir, 'containerd.sock'), '--namespace', 'k8s.io', ...args];
}

/**
 * Starts the control plane on the node's address and the node beside it. On any failure, or when
 * stopped, everything is stopped and the host restored.
 */
export async function startNodeCluster(binaries: NodeBinaries): Promise<NodeCluster> {
  // What a killed run left behind goes first.
  restoreHost(STATE_DIR);
  mkdirSync(join(STATE_DIR, 'logs'), { recursive: true });
  recordHost(STATE_DIR);
  const processes: Started[] = [];
  let cluster: Cluster | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const started of [...processes].reverse()) await stopProcess(started);
    await cluster?.stop();
    restoreHost(STATE_DIR);
  };
  try {
    createNetwork();
    createCgroupRoot();
    cluster = await startCluster({ kubernetesDir: binaries.kubernetesDir }, { address: NODE_IP });
    const { dir: clusterDir, server } = cluster;
    const dir = STATE_DIR;
    const images = builtImages(binaries.imagesDir);
    const bin = (name: string) => join(binaries.kubernetesDir, name);
    const api: Api = (method, path, body) => adminRequest(clusterDir, server, method, path, body);

    writeCniConfig(join(dir, 'cni'));
    const containerd = launch(dir, 'containerd', 'containerd', ['--config', writeContainerdConfig(dir, fullyQualified(images.pause)), '--log-level', 'warn']);
    processes.push(containerd);
    await waitFor(containerd, 'serving CRI', async () => spawnSync('ctr', ctrArgs(dir, ['version']), { stdio: 'ignore' }).status === 0);
    for (const archive of readdirSync(binaries.imagesDir).filter((file) => file.endsWith('.tar'))) {
      sh('ctr', ctrArgs(dir, ['images', 'import', join(binaries.imagesDir, archive)]));
    }

    // The node's identities: the kubelet's client certificate (group system:nodes, for the Node
    // authorizer) and serving certificate, and kube-proxy's (bound to system:node-proxier by default).
    const certs = clusterDir;
    makeCertificate(certs, 'kubelet', `/O=system:nodes/CN=system:node:${NODE_NAME}`, 'extendedKeyUsage=clientAuth');
    makeCertificate(certs, 'kube-proxy', '/CN=system:kube-proxy', 'extendedKeyUsage=clientAuth');
    makeCertificate(certs, 'kube-router', '/CN=kube-router', 'extendedKeyUsage=clientAuth');
    makeCertificate(certs, 'kubelet-serving', `/CN=${NODE_NAME}`, `subjectAltName=IP:${NODE_IP},DNS:${NODE_NAME}\nextendedKeyUsage=serverAuth`);

    const [kubeletPort, kubeletHealthz, proxyHealthz, proxyMetrics] = [await freePort(NODE_IP), await freePort(), await freePort(), await freePort()];
    const kubeletStarted = Date.now();
    const kubelet = launch(dir, 'kubelet', bin('kubelet'), [
      `--config=${writeKubeletConfig(dir, certs, cluster.version, kubeletPort, kubeletHealthz)}`,
      `--kubeconfig=${kubeconfig(certs, server, 'kubelet')}`,
      `--root-dir=${join(dir, 'kubelet')}`,
      `--cert-dir=${join(dir, 'kubelet-pki')}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      '--v=1',
    ]);
    processes.push(kubelet);
    const proxy = launch(dir, 'kube-proxy', bin('kube-proxy'), [`--config=${writeKubeProxyConfig(dir, kubeconfig(certs, server, 'kube-proxy'), proxyHealthz, proxyMetrics)}`]);
    processes.push(proxy);
    await waitFor(kubelet, `node ${NODE_NAME} Ready`, () => nodeIsReady(api, NODE_NAME));
    const nodeReady = (Date.now() - kubeletStarted) / 1000;
    await waitFor(proxy, 'healthy', async () => (await fetch(`http://127.0.0.1:${proxyHealthz}/healthz`).catch(() => undefined))?.ok === true);
    // The firewall alone: pods are wired by the CNI bridge and Services by kube-proxy. No health or
    // metrics port (they would listen on every address of this machine), no SNAT of pod traffic.
    await create(api, KUBE_ROUTER_RBAC);
    const router = launch(dir, 'kube-router', join(binaries.kubeRouterDir, 'kube-router'), [
      `--kubeconfig=${kubeconfig(certs, server, 'kube-router')}`,
      `--hostname-override=${NODE_NAME}`,
      '--run-firewall=true',
      '--run-router=false',
      '--run-service-proxy=false',
      '--enable-cni=false',
      '--enable-pod-egress=false',
      '--health-port=0',
      '--metrics-port=0',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--v=1',
    ]);
    processes.push(router);
    await waitFor(router, 'its first sync of the firewall', async () => readFileSync(router.log, 'utf8').includes('sync iptables took'));
    const outside = await startOutside(dir, certs);
    processes.push(...outside.processes);

    const dnsStarted = Date.now();
    await create(api, coreDnsManifests(fullyQualified(images.coredns)));
    await waitFor(kubelet, 'CoreDNS Ready', async () => {
      const deployment = JSON.parse((await api('GET', '/apis/apps/v1/namespaces/kube-system/deployments/coredns'))?.body ?? '{}');
      return deployment.status?.readyReplicas === 1;
    });
    const dnsReady = (Date.now() - dnsStarted) / 1000;
    for (const started of processes) if (started.exited) throw new Error(`${started.name} ${started.exited}; the end of ${started.log}:\n${tail(started.log)}`);
    return { ...cluster, nodeName: NODE_NAME, startTimes: { nodeReady, dnsReady }, secretEnvFile: outside.secretEnvFile, outsideCaFile: outside.caFile, proxyMetricsUrl: `http://127.0.0.1:${proxyMetrics}/metrics`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

