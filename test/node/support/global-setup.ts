import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { BUILD_SCRIPT, pinnedKubernetesMinors } from '../../cluster/support/pins';
import { NodeCluster, startNodeCluster } from './node';

declare global {
  // Read by global-teardown.ts, in the same (parent) process.
  var todoChatbotNode: NodeCluster | undefined;
}

/** A cached build's folder, built first if it is not cached yet (the build scripts print progress on stderr). */
function built(script: string, ...target: string[]): string {
  return execFileSync('bash', [script, ...target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * Starts one control plane and its real node for the whole run and hands them to the test files through
 * the environment (KUBECONFIG, and kubectl of the same version first on PATH), as a user's shell would.
 */
export default async function globalSetup(): Promise<void> {
  const minor = process.env.CLUSTER_KUBERNETES_MINOR ?? pinnedKubernetesMinors().at(-1) ?? 'none pinned';
  const kubernetesDir = built(BUILD_SCRIPT, 'kubernetes', minor);
  const imagesDir = built(join(__dirname, '..', 'build.sh'), 'images');
  const kubeRouterDir = built(join(__dirname, '..', 'build.sh'), 'kube-router');
  const started = Date.now();
  const node = await startNodeCluster({ kubernetesDir, imagesDir, kubeRouterDir });
  globalThis.todoChatbotNode = node;
  process.env.KUBECONFIG = node.kubeconfig;
  process.env.CLUSTER_VERSION = node.version;
  process.env.NODE_IMAGES_DIR = imagesDir;
  process.env.NODE_SECRET_ENV_FILE = node.secretEnvFile;
  process.env.NODE_OUTSIDE_CA_FILE = node.outsideCaFile;
  process.env.NODE_PROXY_METRICS_URL = node.proxyMetricsUrl;
  process.env.PATH = `${node.binDir}${delimiter}${process.env.PATH ?? ''}`;
  const { nodeReady, dnsReady } = node.startTimes;
  process.stderr.write(
    `\nnode ${node.nodeName} (Kubernetes ${node.version}) is up in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(kubelet start to node Ready ${nodeReady.toFixed(1)} s, CoreDNS Ready ${dnsReady.toFixed(1)} s later) on ${node.kubeconfig}\n`,
  );
}
