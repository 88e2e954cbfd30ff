import { RESTRICTED_VOLUME_TYPES } from '../config/kube-types';

/**
 * Pod Security Standard "restricted" (which includes "baseline"), as the Kubernetes Pod Security
 * admission controller checks a pod spec. Returns one line per violation; empty means admitted.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
type Spec = Record<string, any>;

const RESTRICTED: readonly string[] = RESTRICTED_VOLUME_TYPES;
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

function allContainers(spec: Spec): Spec[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

export function podSecurityViolations(spec: Spec): string[] {
  const violations: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers = allContainers(spec);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field]) violations.push(`${field} is true`);
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!type || !RESTRICTED.includes(type)) violations.push(`volume ${volume.name} has type ${type}`);
  }
  for (const sysctl of pod.sysctls ?? []) if (!SAFE_SYSCTLS.includes(sysctl.name)) violations.push(`unsafe sysctl ${sysctl.name}`);
  if (pod.runAsUser === 0) violations.push('pod runAsUser is 0');
  if (pod.seccompProfile?.type === 'Unconfined') violations.push('pod seccomp is Unconfined');
  for (const container of containers) {
    const name = `container ${container.name}`;
    const context = container.securityContext ?? {};
    if (context.privileged) violations.push(`${name} is privileged`);
    if (context.allowPrivilegeEscalation !== false) violations.push(`${name} does not set allowPrivilegeEscalation: false`);
    if (!(context.runAsNonRoot ?? pod.runAsNonRoot)) violations.push(`${name} does not run as non-root (runAsNonRoot)`);
    if (context.runAsUser === 0) violations.push(`${name} runAsUser is 0`);
    const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') violations.push(`${name} seccomp profile is ${seccomp ?? 'unset'}`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) violations.push(`${name} does not drop ALL capabilities`);
    for (const added of context.capabilities?.add ?? []) if (added !== 'NET_BIND_SERVICE') violations.push(`${name} adds capability ${added}`);
    if (context.procMount && context.procMount !== 'Default') violations.push(`${name} procMount is ${context.procMount}`);
    for (const port of container.ports ?? []) if (port.hostPort) violations.push(`${name} uses hostPort ${port.hostPort}`);
    const seLinux = context.seLinuxOptions ?? pod.seLinuxOptions;
    if (seLinux?.user || seLinux?.role) violations.push(`${name} sets SELinux user or role`);
  }
  return violations;
}
