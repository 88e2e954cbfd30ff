import { chmodSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchFolder } from '../support/scratch';
import { ClusterBinaries, startCluster } from './support/cluster';

/** The command lines of every process still running that mention `text`. */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return command.includes(text) ? [command] : [];
      } catch {
        return [];
      }
    });
}

/** The control plane of this run, with one binary swapped for a script that fails the way a bad flag does. */
function withFailing(binary: string): ClusterBinaries {
  const binaries = JSON.parse(process.env.CLUSTER_BINARIES ?? '{}') as ClusterBinaries;
  const dir = scratchFolder('broken');
  for (const name of readdirSync(binaries.kubernetesDir)) {
    if (name === binary) {
      writeFileSync(join(dir, name), '#!/bin/sh\necho "Error: unknown flag: --an-option-this-release-lacks" >&2\nexit 1\n');
      chmodSync(join(dir, name), 0o755);
    } else {
      symlinkSync(join(binaries.kubernetesDir, name), join(dir, name));
    }
  }
  return { ...binaries, kubernetesDir: dir };
}

describe('a control plane that cannot start', () => {
  it.each(['kube-apiserver', 'kube-controller-manager'])('names %s, shows the end of its log, and leaves no process behind', async (binary) => {
    const failure = await startCluster(withFailing(binary)).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(new RegExp(`^${binary} exited with code 1 before `));
    expect(failure).toContain('Error: unknown flag: --an-option-this-release-lacks');
    const clusterDir = /(\/\S*todo-chatbot-cluster-[^/\s]+)\//.exec(failure ?? '')?.[1];
    expect(clusterDir).toBeDefined();
    expect(processesMentioning(clusterDir ?? 'none')).toEqual([]);
  });
});
