import { SECRET_LOOKING_NAME } from '../config/rules';
import type { KubeObject } from '../model/k8s';
import { podSecurityViolations } from './pss';

/**
 * The policy checks both outputs must pass: Pod Security Standard "restricted", and the default checks
 * of kube-score and kube-linter that apply to this app. Each rule is documented in docs/policy.md
 * (generated from this list) and tested both ways: our output passes, a broken object fails.
 */
/** The third-party linters whose checks our rules re-implement (test/peers/ runs the real ones). */
export const PEERS = ['kube-linter', 'kube-score', 'checkov'] as const;
export type Peer = (typeof PEERS)[number];

export interface PolicyRule {
  readonly id: string;
  /** Where the rule comes from, besides the peers' checks. */
  readonly source: string;
  /**
   * The checks of each peer that judge the same thing (their own ids). The peers tier proves it for the
   * rules it breaks on purpose: our rule and each peer named here fail together.
   */
  readonly peers: Readonly<Partial<Record<Peer, readonly string[]>>>;
  readonly description: string;
  check(objects: readonly KubeObject[]): string[];
}

interface PodTemplate {
  readonly owner: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly spec: any;
  /** helm test hooks run once and exit: they need no probes. */
  readonly isTestHook: boolean;
}

function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
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

function containers(objects: readonly KubeObject[]): { owner: string; container: any; pod: PodTemplate }[] {
  return podTemplates(objects).flatMap((pod) =>
    [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((container: any) => ({ owner: `${pod.owner} container ${container.name}`, container, pod })),
  );
}

const ofKind = (objects: readonly KubeObject[], kind: string) => objects.filter((object) => object.kind === kind);

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
    peers: { 'kube-linter': ['privilege-escalation-container', 'run-as-non-root', 'drop-net-raw-capability'], 'kube-score': ['container-security-context-user-group-id'], checkov: ['CKV_K8S_20', 'CKV_K8S_23', 'CKV_K8S_28', 'CKV_K8S_31', 'CKV_K8S_37'] },
    description: 'Every pod template, helm test pods included, meets Pod Security Standard "restricted".',
    check: (objects) => podTemplates(objects).flatMap(({ owner, spec }) => podSecurityViolations(spec).map((violation) => `${owner}: ${violation}`)),
  },
  {
    id: 'no-privileged-or-host-namespaces',
    source: '',
    peers: { 'kube-linter': ['privileged-container', 'host-network', 'host-pid', 'host-ipc'], 'kube-score': ['container-security-context-privileged'], checkov: ['CKV_K8S_16', 'CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'] },
    description: 'No privileged container, no host network, PID or IPC namespace.',
    check: (objects) =>
      podTemplates(objects).flatMap(({ owner, spec }) => [
        ...['hostNetwork', 'hostPID', 'hostIPC'].filter((field) => spec[field]).map((field) => `${owner}: ${field} is true`),
        ...(spec.containers ?? []).filter((c: any) => c.securityContext?.privileged).map((c: any) => `${owner}: container ${c.name} is privileged`),
      ]),
  },
  {
    id: 'resources-set',
    source: '',
    peers: { 'kube-linter': ['unset-cpu-requirements', 'unset-memory-requirements'], 'kube-score': ['container-resources'], checkov: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13'] },
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
    source: '',
    peers: { 'kube-linter': ['latest-tag'], 'kube-score': ['container-image-tag'], checkov: ['CKV_K8S_14'] },
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
    source: '',
    peers: { 'kube-linter': ['no-read-only-root-fs'], 'kube-score': ['container-security-context-readonlyrootfilesystem'], checkov: ['CKV_K8S_22'] },
    description: 'Every container has a read-only root filesystem.',
    check: (objects) =>
      containers(objects).filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true).map(({ owner }) => `${owner}: root filesystem is writable`),
  },
  {
    id: 'service-account-token-not-mounted',
    source: '',
    peers: { 'kube-linter': ['default-service-account'], checkov: ['CKV_K8S_38'] },
    description: 'Pods of Deployments use their own ServiceAccount and do not mount an API token.',
    check: (objects) =>
      podTemplates(objects).flatMap(({ owner, spec, isTestHook }) => [
        ...(spec.automountServiceAccountToken === false ? [] : [`${owner}: mounts a service account token`]),
        ...(isTestHook || (spec.serviceAccountName && spec.serviceAccountName !== 'default') ? [] : [`${owner}: runs as the default ServiceAccount`]),
      ]),
  },
  {
    id: 'probes-set-and-distinct',
    source: 'kube-score compares only path and port (pod-probes-identical, not run: see the accepted findings); this rule compares whole probes',
    peers: { 'kube-linter': ['deployment-liveness-probe', 'deployment-readiness-probe'], 'kube-score': ['pod-probes'] },
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
    source: '',
    peers: { 'kube-linter': ['no-anti-affinity'], 'kube-score': ['deployment-has-host-podantiaffinity'] },
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
    source: 'AD-5',
    peers: { 'kube-linter': ['env-var-secret'] },
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
    source: 'Kubernetes best practice: Services and probes follow a renamed port',
    peers: {},
    description: 'Every container port has a name, and Services and probes refer to ports by name.',
    check: (objects) =>
      containers(objects).flatMap(({ owner, container }) =>
        (container.ports ?? []).filter((port: any) => !port.name).map((port: any) => `${owner}: port ${port.containerPort} has no name`),
      ),
  },
  {
    id: 'selector-matches-labels',
    source: '',
    peers: { 'kube-linter': ['mismatching-selector'], 'kube-score': ['deployment-pod-selector-labels-match-template-metadata-labels'] },
    description: "Every Deployment's selector matches its pod template's labels.",
    check: (objects) =>
      ofKind(objects, 'Deployment')
        .filter((object) => !matches(object.spec?.selector?.matchLabels, object.spec?.template?.metadata?.labels ?? {}))
        .map((object) => `Deployment/${object.metadata.name}: selector does not match the pod labels`),
  },
  {
    id: 'service-targets-pods',
    source: '',
    peers: { 'kube-linter': ['dangling-service'], 'kube-score': ['service-targets-pod'] },
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
    id: 'network-policies-select-pods',
    source: '',
    peers: { 'kube-linter': ['dangling-networkpolicy', 'dangling-networkpolicypeer-podselector'], 'kube-score': ['networkpolicy-targets-pod'] },
    description: 'Every NetworkPolicy, and every pod selector in its rules, selects pods that the same output runs in its namespace.',
    check: (objects) =>
      ofKind(objects, 'NetworkPolicy').flatMap((policy) => {
        const pods = podTemplates(objects).filter((pod) => pod.namespace === policy.metadata.namespace);
        // An empty selector selects every pod of the namespace: that is what a default-deny policy means.
        const selectsPods = (selector: { matchLabels?: Record<string, string> } | undefined) =>
          Object.keys(selector?.matchLabels ?? {}).length === 0 || pods.some((pod) => matches(selector?.matchLabels, pod.labels));
        const peerSelectors = [...(policy.spec?.ingress ?? []).flatMap((rule: any) => rule.from ?? []), ...(policy.spec?.egress ?? []).flatMap((rule: any) => rule.to ?? [])]
          .filter((peer: any) => peer.podSelector && !peer.namespaceSelector)
          .map((peer: any) => peer.podSelector);
        return [
          ...(selectsPods(policy.spec?.podSelector) ? [] : [`NetworkPolicy/${policy.metadata.name}: selects no pods`]),
          ...peerSelectors.filter((selector: any) => !selectsPods(selector)).map((selector: any) => `NetworkPolicy/${policy.metadata.name}: a rule's pod selector ${JSON.stringify(selector.matchLabels)} selects no pods`),
        ];
      }),
  },
  {
    id: 'disruption-budget-evicts-unhealthy-pods',
    source: 'Kubernetes docs: unhealthy pod eviction policy',
    peers: { 'kube-linter': ['pdb-unhealthy-pod-eviction-policy'] },
    description: 'Every PodDisruptionBudget lets a drain evict pods that are not Ready (unhealthyPodEvictionPolicy AlwaysAllow), so one crash-looping pod cannot block node maintenance.',
    check: (objects) =>
      ofKind(objects, 'PodDisruptionBudget')
        .filter((budget) => budget.spec?.unhealthyPodEvictionPolicy !== 'AlwaysAllow')
        .map((budget) => `PodDisruptionBudget/${budget.metadata.name}: unhealthyPodEvictionPolicy is not AlwaysAllow`),
  },
  {
    id: 'valid-names-and-labels',
    source: 'Kubernetes API validation',
    peers: { 'kube-score': ['label-values'] },
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
export function policyViolations(objects: readonly KubeObject[]): string[] {
  return POLICY_RULES.flatMap((rule) => rule.check(objects).map((violation) => `${rule.id}: ${violation}`));
}
