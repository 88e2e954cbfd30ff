import type { k8s } from 'cdk8s-plus-28';
import type { Wire } from '../model/k8s';

/** The identity a pod runs as: non-zero uid and gid (Pod Security Standard "restricted"). */
export interface RunAs {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
}

/** Pod-level half of Pod Security Standard "restricted". */
export function restrictedPodSecurityContext({ runAsUser, runAsGroup, fsGroup }: RunAs): Wire<k8s.PodSecurityContext> {
  return { runAsNonRoot: true, runAsUser, runAsGroup, fsGroup, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container-level half: no escalation, no capabilities, read-only root filesystem (writable paths are emptyDirs). */
export function restrictedContainerSecurityContext({ runAsUser, runAsGroup }: RunAs): Wire<k8s.SecurityContext> {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
