/*
 * The labels and annotations the model sets on objects, in one place: the model writes exactly these
 * keys, and the rules (synth and chart) refuse user labels and annotations that would overwrite one, so
 * a user's label never changes a selector and the reserved keys follow the model.
 */

/** The recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/) and Helm's chart label. */
export const LABEL_KEYS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
  chart: 'helm.sh/chart',
} as const;

/** The Pod Security admission modes the raw output's Namespace labels, each as `pod-security.kubernetes.io/<mode>`. */
export const POD_SECURITY_MODES = ['enforce', 'audit', 'warn'] as const;

export const podSecurityLabel = (mode: (typeof POD_SECURITY_MODES)[number]) => `pod-security.kubernetes.io/${mode}`;

/** Every label key the model sets on some object: what `commonLabels` and `<component>.podLabels` may not name. */
export const RESERVED_LABEL_KEYS: readonly string[] = [...Object.values(LABEL_KEYS), ...POD_SECURITY_MODES.map(podSecurityLabel)];

/** The pod template's annotation whose change rolls the pods when the ConfigMap changes. */
export const CONFIG_CHECKSUM_ANNOTATION = 'checksum/config';

/** What makes the `helm test` pods hooks, and when Helm deletes them. */
export const HELM_TEST_ANNOTATIONS = { hook: 'helm.sh/hook', deletePolicy: 'helm.sh/hook-delete-policy' } as const;

/**
 * Annotations others write on every object: Helm the release that owns it (`helm install` adopts nothing
 * that names another release), `kubectl apply` the configuration it last applied.
 */
const TOOL_ANNOTATIONS = ['meta.helm.sh/release-name', 'meta.helm.sh/release-namespace', 'kubectl.kubernetes.io/last-applied-configuration'] as const;

/** What `commonAnnotations` (on every object) may not name. */
export const RESERVED_ANNOTATION_KEYS: readonly string[] = [...Object.values(HELM_TEST_ANNOTATIONS), ...TOOL_ANNOTATIONS];
