import { z } from 'zod';
import { formats, Format } from './patterns';

/*
 * The Kubernetes types a user hands the pods as they are (tolerations, affinity, volumes and their
 * mounts): the fields of the Kubernetes 1.28 API, in the forms its API server takes. The model writes
 * them into pod specs typed by cdk8s-plus-28's `k8s` interfaces, so a field the API lacks fails `tsc`.
 * Where the API server refuses a combination (a value with operator Exists), the forms are alternatives
 * (`anyOf`), so the schema refuses it for the synth and Helm alike. No list or mapping in them may be
 * empty: the API server drops an empty one, and every later `kubectl apply` would put it back.
 */

const text = (fmt: Format, maxLength = 253) => z.string().max(maxLength).regex(fmt.pattern);
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const nonEmptyList = <T extends z.ZodType>(item: T, max = 20) => z.array(item).min(1).max(max);
const labelValue = () => text(formats.labelValue, 63).min(1);
const labelMap = () =>
  z
    .record(text(formats.qualifiedName), text(formats.labelValue, 63))
    .refine((entries) => Object.keys(entries).length >= 1 && Object.keys(entries).length <= 20)
    .meta({ minProperties: 1, maxProperties: 20 });

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const tolerationSeconds = int(0, 86400 * 365);

/** A toleration: `Exists` matches any value of `key` (or, with no key, every taint), `Equal` one value; `tolerationSeconds` only with effect `NoExecute`. */
export const tolerationSchema = z
  .union([
    z.strictObject({ key: text(formats.qualifiedName).optional(), operator: z.literal('Exists'), effect: z.enum(taintEffects).optional() }),
    z.strictObject({ key: text(formats.qualifiedName).optional(), operator: z.literal('Exists'), effect: z.literal('NoExecute'), tolerationSeconds }),
    z.strictObject({ key: text(formats.qualifiedName), operator: z.literal('Equal').optional(), value: labelValue().optional(), effect: z.enum(taintEffects).optional() }),
    z.strictObject({ key: text(formats.qualifiedName), operator: z.literal('Equal').optional(), value: labelValue().optional(), effect: z.literal('NoExecute'), tolerationSeconds }),
  ])
  .describe(
    'a toleration: {key, operator: Exists, effect} (without a key: every taint) or {key, operator: Equal (the default), value (not empty), effect}; effect NoSchedule, PreferNoSchedule, NoExecute or left out (every effect); tolerationSeconds (at most a year) only with effect NoExecute',
  );

/** A label requirement: In and NotIn take values, Exists and DoesNotExist none. */
const labelSelectorRequirement = z
  .union([
    z.strictObject({ key: text(formats.qualifiedName), operator: z.enum(['In', 'NotIn']), values: nonEmptyList(labelValue()) }),
    z.strictObject({ key: text(formats.qualifiedName), operator: z.enum(['Exists', 'DoesNotExist']) }),
  ])
  .describe('a label requirement: {key, operator: In or NotIn, values (at least one)} or {key, operator: Exists or DoesNotExist} (no values)');

const labelSelector = z.strictObject({
  matchLabels: labelMap().optional(),
  matchExpressions: nonEmptyList(labelSelectorRequirement).optional(),
});

/** A node label requirement: Gt and Lt take one whole number. */
const nodeSelectorRequirement = z
  .union([
    z.strictObject({ key: text(formats.qualifiedName), operator: z.enum(['In', 'NotIn']), values: nonEmptyList(labelValue()) }),
    z.strictObject({ key: text(formats.qualifiedName), operator: z.enum(['Exists', 'DoesNotExist']) }),
    z.strictObject({ key: text(formats.qualifiedName), operator: z.enum(['Gt', 'Lt']), values: z.array(text(formats.wholeNumber, 18)).length(1) }),
  ])
  .describe(
    'a node requirement: {key, operator: In or NotIn, values (at least one)}, {key, operator: Exists or DoesNotExist} (no values) or {key, operator: Gt or Lt, values: one whole number}',
  );

/** A node field requirement: only metadata.name, with In or NotIn and one value. */
const nodeFieldRequirement = z.strictObject({ key: z.literal('metadata.name'), operator: z.enum(['In', 'NotIn']), values: z.array(text(formats.dnsSubdomain)).length(1) });

const nodeSelectorTerm = z
  .strictObject({
    matchExpressions: nonEmptyList(nodeSelectorRequirement).optional(),
    matchFields: nonEmptyList(nodeFieldRequirement).optional(),
  })
  // A term with neither would match no node.
  .refine((term) => Object.keys(term).length >= 1)
  .meta({ minProperties: 1 });

const weight = int(1, 100);

const podAffinityTerm = z.strictObject({
  // Required: the API server warns that a term without one matches no pod.
  labelSelector,
  namespaceSelector: labelSelector.optional(),
  namespaces: nonEmptyList(text(formats.dnsLabel, 63)).optional(),
  topologyKey: text(formats.qualifiedName),
});

const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: nonEmptyList(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: nonEmptyList(z.strictObject({ weight, podAffinityTerm })).optional(),
});

/** Marks a schema as the Kubernetes type of that OpenAPI name (see KUBERNETES_TYPE in json-schema.ts). */
const kubernetesType = (name: string) => ({ 'x-kubernetes-type': name });

/** Affinity as in a pod spec. */
export const affinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: nonEmptyList(nodeSelectorTerm) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: nonEmptyList(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
}).meta(kubernetesType('io.k8s.api.core.v1.Affinity'));

/** The volume types Pod Security "restricted" allows (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'] as const;

const fileMode = int(0, 0o777);

/** A file a ConfigMap's or Secret's key becomes. */
const keyToPath = z.strictObject({ key: text(formats.secretKey), path: text(formats.relativePath, 1024), mode: fileMode.optional() });

/*
 * What a user gives each volume type the chart takes. `readOnly` takes only true, an emptyDir's medium
 * only Memory: the API server drops a false or an empty one (see above). An emptyDir's sizeLimit is left
 * out: the API server would store it in another spelling ("1024Mi" as "1Gi").
 */
const volumeSources = {
  configMap: z.strictObject({ name: text(formats.dnsSubdomain), items: nonEmptyList(keyToPath).optional(), defaultMode: fileMode.optional(), optional: z.boolean().optional() }),
  secret: z.strictObject({ secretName: text(formats.dnsSubdomain), items: nonEmptyList(keyToPath).optional(), defaultMode: fileMode.optional(), optional: z.boolean().optional() }),
  emptyDir: z.strictObject({ medium: z.literal('Memory').optional() }),
  persistentVolumeClaim: z.strictObject({ claimName: text(formats.dnsSubdomain), readOnly: z.literal(true).optional() }),
  csi: z.strictObject({
    driver: text(formats.dnsSubdomain, 63),
    readOnly: z.literal(true).optional(),
    fsType: text(formats.dnsLabel, 63).optional(),
    volumeAttributes: z
      .record(text(formats.qualifiedName), z.string().max(4096).regex(formats.freeText.pattern))
      .refine((entries) => Object.keys(entries).length >= 1 && Object.keys(entries).length <= 20)
      .meta({ minProperties: 1, maxProperties: 20 })
      .optional(),
    nodePublishSecretRef: z.strictObject({ name: text(formats.dnsSubdomain) }).optional(),
  }),
  downwardAPI: z.strictObject({
    items: nonEmptyList(
      z.strictObject({
        path: text(formats.relativePath, 1024),
        fieldRef: z.strictObject({
          // Required, though the API server fills it in: it does so inside a list kubectl apply replaces
          // whole, so without it every later apply would report the Deployment changed.
          apiVersion: z.literal('v1'),
          fieldPath: z.enum(['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations']),
        }),
        mode: fileMode.optional(),
      }),
    ),
    defaultMode: fileMode.optional(),
  }),
} satisfies Partial<Record<(typeof RESTRICTED_VOLUME_TYPES)[number], z.ZodType>>;

/** The volume types the chart takes, each of which Pod Security "restricted" allows. */
export const VOLUME_TYPES = Object.keys(volumeSources) as (keyof typeof volumeSources)[];

/**
 * A volume: its name and one type. Other keys pass the schema, so that the rules refuse a type Pod
 * Security "restricted" forbids (hostPath) with a line of their own, the synth's and the chart's alike.
 */
export const volumeSchema = z
  .looseObject({
    name: text(formats.dnsLabel, 63),
    configMap: volumeSources.configMap.optional(),
    secret: volumeSources.secret.optional(),
    emptyDir: volumeSources.emptyDir.optional(),
    persistentVolumeClaim: volumeSources.persistentVolumeClaim.optional(),
    csi: volumeSources.csi.optional(),
    downwardAPI: volumeSources.downwardAPI.optional(),
  } satisfies Record<'name' | (typeof VOLUME_TYPES)[number], z.ZodType>)
  .meta(kubernetesType('io.k8s.api.core.v1.Volume'));

/** Where a container mounts a volume. */
export const volumeMountSchema = z
  .strictObject({
    name: text(formats.dnsLabel, 63),
    mountPath: text(formats.mountPath, 1024),
    readOnly: z.literal(true).optional(),
    subPath: text(formats.relativePath, 1024).optional(),
  })
  .meta(kubernetesType('io.k8s.api.core.v1.VolumeMount'));
