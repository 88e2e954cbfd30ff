import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CLUSTER_ROOT = join(__dirname, '..');
export const BUILD_SCRIPT = join(CLUSTER_ROOT, 'build.sh');

/** The Kubernetes minors pinned in test/cluster/go/ (one kubernetes-vMAJOR.MINOR.mod each), oldest first. */
export function pinnedKubernetesMinors(): string[] {
  return readdirSync(join(CLUSTER_ROOT, 'go'))
    .map((file) => /^kubernetes-(v1\.(\d+))\.mod$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((match) => match[1]);
}
