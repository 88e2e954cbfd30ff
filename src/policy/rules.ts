import { SECRET_LOOKING_NAME } from '../config/rules';
import { podSecurityViolations } from './pss';

/**
 * The policy checks both outputs must pass: Pod Security Standard "restricted", and the default checks
 * of kube-score and kube-linter that apply to this app. Each rule is documented in docs/policy.md
 * (generated from this list) and tested both ways: our output passes, a broken object fails.
 */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: any;
  readonly [field: string]: unknown;
}

export interface PolicyRule {
  readonly id: string;
  /** Where the rule comes from. */
  readonly source: string;
  readonly description: string;
  check(objects: readonly Manifest[]): string[];
}

interface PodTemplate {
  readonly owner: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly spec: any;
  /** helm test hooks run once and exit: they need no probes. */
  readonly isTestHook: boolean;
}

function podTemplates(objects: readonly Manifest[]): PodTemplate[] {
  return objects.flatMap((object) => {
    const owner = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Pod') {
      const isTestHook = object.metadata.annotations?.['helm.sh/hook'] === 'test';
      return [{ owner, namespace: object.metadata.namespace, labels: object.metadata.labels ?? {}, spec: object.spec, isTestHook }];
    }
    const template = object.spec?.template;
    return template ? [{ owner, namespace: object.metadata.namespace, labels: template.metadata?.labels ?? {}, spec: template.spec, isTestHook: false }] : [];
  });
}

function containers(objects: readonly Manifest[]): { owner: string; container: any; pod: PodTemplate }[] {
  return podTemplates(objects).flatMap((pod) =>
    [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((container: any) => ({ owner: `${pod.owner} container ${container.name}`, container, pod })),
  );
}

const ofKind = (objects: readonly Manifest[], kind: string) => objects.filter((object) => object.kind === kind);

const matches = (selector: Record<string, string> = {}, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'pod-security-restricted',
    source: 'Pod Security Standards',
    description: 'Every pod template, helm test pods included, meets Pod Security Standard "restricted".',
    check: (objects) => podTemplates(objects).flatMap(({ owner, spec }) => podSecurityViolations(spec).map((violation) => `${owner}: ${violation}`)),
  },
  {
    id: 'no-privileged-or-host-namespaces',
    source: 'kube-linter privileged-container, host-network, host-pid, host-ipc',
    description: 'No privileged container, no host network, PID or IPC namespace.',
    check: (objects) =>
      podTemplates(objects).flatMap(({ owner, spec }) => [
        ...['hostNetwork', 'hostPID', 'hostIPC'].filter((field) => spec[field]).map((field) => `${owner}: ${field} is true`),
        ...(spec.containers ?? []).filter((c: any) => c.securityContext?.privileged).map((c: any) => `${owner}: container ${c.name} is privileged`),
      ]),
  },
  {
    id: 'resources-set',
    source: 'kube-score container-resources, kube-linter unset-cpu-requirements, unset-memory-requirements',
    description: 'Every container sets CPU and memory requests and limits.',
    check: (objects) =>
      containers(objects).flatMap(({ owner, container }) =>
        ['requests', 'limits'].flatMap((kind) =>
          ['cpu', 'memory'].filter((resource) => !container.resources?.[kind]?.[resource]).map((resource) => `${owner}: no ${resource} ${kind}`),
        ),
      ),
  },
  {
    id: 'no-latest-tag',
    source: 'kube-score container-image-tag, kube-linter latest-tag',
    description: 'Every image is pinned: a tag other than "latest", or a digest.',
    check: (objects) =>
      containers(objects).flatMap(({ owner, container }) => {
        if (/@sha256:[a-f0-9]{64}$/.test(container.image)) return [];
        const tag = /:([^/:]+)$/.exec(container.image)?.[1];
        if (!tag) return [`${owner}: image ${container.image} has no tag`];
        return tag === 'latest' ? [`${owner}: image ${container.image} uses the latest tag`] : [];
      }),
  },
  {
    id: 'read-only-root-filesystem',
    source: 'kube-linter no-read-only-root-fs, kube-score container-security-context-readonlyrootfilesystem',
    description: 'Every container has a read-only root filesystem.',
    check: (objects) =>
      containers(objects).filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true).map(({ owner }) => `${owner}: root filesystem is writable`),
  },
  {
    id: 'service-account-token-not-mounted',
    source: 'kube-linter default-service-account, kube-score (automount)',
    description: 'Pods of Deployments use their own ServiceAccount and do not mount an API token.',
    check: (objects) =>
      podTemplates(objects).flatMap(({ owner, spec, isTestHook }) => [
        ...(spec.automountServiceAccountToken === false ? [] : [`${owner}: mounts a service account token`]),
        ...(isTestHook || (spec.serviceAccountName && spec.serviceAccountName !== 'default') ? [] : [`${owner}: runs as the default ServiceAccount`]),
      ]),
  },
  {
    id: 'probes-set-and-distinct',
    source: 'kube-score pod-probes, kube-linter no-liveness-probe, no-readiness-probe',
    description: 'Every long-running container has readiness and liveness probes, and they are not identical.',
    check: (objects) =>
      containers(objects)
        .filter(({ pod }) => !pod.isTestHook)
        .flatMap(({ owner, container }) => {
          const { readinessProbe, livenessProbe } = container;
          if (!readinessProbe || !livenessProbe) return [`${owner}: lacks a ${readinessProbe ? 'liveness' : 'readiness'} probe`];
          return JSON.stringify(readinessProbe) === JSON.stringify(livenessProbe) ? [`${owner}: liveness and readiness probes are identical`] : [];
        }),
  },
  {
    id: 'anti-affinity-when-replicated',
    source: 'kube-linter no-anti-affinity, kube-score deployment-has-host-podantiaffinity',
    description: 'A Deployment that can run more than one pod prefers to spread them over nodes (pod anti-affinity on the hostname).',
    check: (objects) =>
      ofKind(objects, 'Deployment')
        .filter((deployment) => {
          const autoscaled = objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name === deployment.metadata.name);
          return autoscaled || (deployment.spec?.replicas ?? 1) > 1;
        })
        .filter((deployment) => {
          const anti = deployment.spec.template.spec.affinity?.podAntiAffinity;
          const terms = [...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => t.podAffinityTerm)];
          return !terms.some((term: any) => term.topologyKey === 'kubernetes.io/hostname' && matches(term.labelSelector?.matchLabels, deployment.spec.template.metadata.labels ?? {}));
        })
        .map((deployment) => `Deployment/${deployment.metadata.name}: several replicas without pod anti-affinity on kubernetes.io/hostname`),
  },
  {
    id: 'no-secret-in-env',
    source: 'kube-linter env-var-secret; AD-5',
    description: 'No environment variable whose name looks secret carries a plain value: secrets come from the Secret.',
    check: (objects) =>
      containers(objects).flatMap(({ owner, container }) =>
        (container.env ?? [])
          .filter((env: any) => env.value !== undefined && SECRET_LOOKING_NAME.test(env.name))
          .map((env: any) => `${owner}: ${env.name} has a plain value`),
      ),
  },
  {
    id: 'container-ports-named',
    source: 'kube-linter (named ports), Kubernetes best practice',
    description: 'Every container port has a name, and Services and probes refer to ports by name.',
    check: (objects) =>
      containers(objects).flatMap(({ owner, container }) =>
        (container.ports ?? []).filter((port: any) => !port.name).map((port: any) => `${owner}: port ${port.containerPort} has no name`),
      ),
  },
  {
    id: 'selector-matches-labels',
    source: 'kube-linter mismatching-selector',
    description: "Every Deployment's selector matches its pod template's labels.",
    check: (objects) =>
      ofKind(objects, 'Deployment')
        .filter((object) => !matches(object.spec?.selector?.matchLabels, object.spec?.template?.metadata?.labels ?? {}))
        .map((object) => `Deployment/${object.metadata.name}: selector does not match the pod labels`),
  },
  {
    id: 'service-targets-pods',
    source: 'kube-score service-targets-pod, kube-linter dangling-service',
    description: 'Every Service selects the pods of a Deployment in its namespace, on a port those pods name.',
    check: (objects) =>
      ofKind(objects, 'Service')
        .flatMap((service) => {
          const pods = podTemplates(objects).filter((pod) => !pod.isTestHook && pod.namespace === service.metadata.namespace && matches(service.spec?.selector, pod.labels));
          if (pods.length === 0) return [`Service/${service.metadata.name}: selects no pods`];
          const names = pods.flatMap((pod) => pod.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name)));
          return (service.spec.ports ?? [])
            .filter((port: any) => !names.includes(port.targetPort))
            .map((port: any) => `Service/${service.metadata.name}: targetPort ${port.targetPort} is not a named port of its pods`);
        }),
  },
  {
    id: 'valid-names-and-labels',
    source: 'Kubernetes API validation',
    description: 'Names are DNS labels of at most 63 characters (DNS-1035 for Services); label keys and values are valid.',
    check: (objects) =>
      objects.flatMap((object) => {
        const { name, labels = {} } = object.metadata;
        const pattern = object.kind === 'Service' ? DNS_1035_LABEL : DNS_LABEL;
        const problems = pattern.test(name) && name.length <= 63 ? [] : [`${object.kind}/${name}: invalid name`];
        for (const [key, value] of Object.entries(labels)) {
          if (!LABEL_KEY.test(key)) problems.push(`${object.kind}/${name}: invalid label key ${key}`);
          if (!LABEL_VALUE.test(value) || value.length > 63) problems.push(`${object.kind}/${name}: invalid value of label ${key}: ${value}`);
        }
        return problems;
      }),
  },
];

/** Every violation of every rule, each line prefixed with the rule's id. */
export function policyViolations(objects: readonly Manifest[]): string[] {
  return POLICY_RULES.flatMap((rule) => rule.check(objects).map((violation) => `${rule.id}: ${violation}`));
}
