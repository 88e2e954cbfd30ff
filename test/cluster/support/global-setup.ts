import { execFileSync } from 'node:child_process';
import { delimiter } from 'node:path';
import setUpTempFolder from '../../support/temp-folder-setup';
import { Cluster, startCluster } from './cluster';
import { BUILD_SCRIPT, pinnedKubernetesMinors } from './pins';

declare global {
  // Read by global-teardown.ts, in the same (parent) process.
  var todoChatbotCluster: Cluster | undefined;
}

/** The cached binaries' folder, built first if this version is not cached yet (build.sh prints its progress on stderr). */
function built(...target: string[]): string {
  return execFileSync('bash', [BUILD_SCRIPT, ...target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * Starts one control plane for the whole run and hands it to the test files through the environment
 * (KUBECONFIG, and kubectl of the same version first on PATH), as a user's shell would have it.
 */
export default async function globalSetup(): Promise<void> {
  // First, so that the control plane's folder is in it too: the teardown finds whatever a run left.
  setUpTempFolder();
  const minor = process.env.CLUSTER_KUBERNETES_MINOR ?? pinnedKubernetesMinors().at(-1) ?? 'none pinned';
  const binaries = { kubernetesDir: built('kubernetes', minor), kwokDir: built('kwok') };
  const cluster = await startCluster(binaries);
  process.env.REGISTRY_DIR = built('registry');
  globalThis.todoChatbotCluster = cluster;
  process.env.KUBECONFIG = cluster.kubeconfig;
  process.env.CLUSTER_VERSION = cluster.version;
  process.env.CLUSTER_BINARIES = JSON.stringify(binaries);
  process.env.PATH = `${cluster.binDir}${delimiter}${process.env.PATH ?? ''}`;
  process.stderr.write(`\ncontrol plane ${cluster.version} is up on ${cluster.kubeconfig}\n`);
}
