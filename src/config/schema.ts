import { z } from 'zod';
import { Format, formats, orEmpty } from './patterns';
import { affinitySchema, tolerationSchema, volumeMountSchema, volumeSchema, VOLUME_TYPES } from './kube-types';

/*
 * The one schema of everything a user may change. It validates settings at run time, types the model
 * (`Values`), and is emitted as the chart's `values.schema.json`; every `describe()` text becomes the
 * comment above its key in `values.yaml` and a row of the values reference.
 */

/** Longest free-text value accepted; keeps huge inputs out of manifests and annotations. */
const MAX_TEXT = 4096;
const MAX_CONFIG_ENTRIES = 100;

const text = (fmt: Format, maxLength = 253) => z.string().max(maxLength).regex(fmt.pattern);
const freeText = () => text(formats.freeText, MAX_TEXT);
const int = (min: number, max: number) => z.number().int().min(min).max(max);

const imageSchema = z.strictObject({
  repository: text(formats.imageRepository, 255).describe('Image repository, without tag or digest.'),
  tag: text(formats.imageTag, 128).describe('Image tag, required even with a `digest` (which then wins and the tag is not used). Pin a version outside Minikube.'),
  digest: text(formats.imageDigest, 71).describe('Image digest (`sha256:...`). When set, the image is pulled by digest instead of tag.'),
  pullPolicy: z
    .enum(['Never', 'IfNotPresent', 'Always'])
    .describe('When the kubelet pulls the image: `Never` for images built inside Minikube, `IfNotPresent` for registry images.'),
});

const quantities = z.strictObject({
  cpu: text(formats.cpuQuantity, 32).describe('CPU, in cores or millicores (`250m`); at most 1024 cores.'),
  memory: text(formats.memoryQuantity, 32).describe('Memory, with a binary suffix (`256Mi`); at most 64Ti.'),
});

const resourcesSchema = z.strictObject({
  requests: quantities.describe('What the scheduler reserves for the container.'),
  limits: quantities.describe('The most the container may use; it is throttled (CPU) or killed (memory) beyond this.'),
});

const probeSchema = z.strictObject({
  path: text(formats.httpPath, 1024).describe('HTTP path probed on the container port.'),
  initialDelaySeconds: int(0, 3600).describe('Seconds after start before the first probe.'),
  periodSeconds: int(1, 3600).describe('Seconds between probes.'),
  timeoutSeconds: int(1, 3600).describe('Seconds before a probe times out.'),
  failureThreshold: int(1, 100).describe('Consecutive failures before the probe counts as failed.'),
});

const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;

/**
 * The keyword that marks a key added after an earlier release, with the version that added it: the
 * chart's schema does not require it and the chart reads it with its default where it is missing.
 * `helm upgrade --reuse-values` renders with the old release's values in place of the new chart's
 * values.yaml, and those lack every key added since.
 */
export const ADDED_IN = 'x-added-in';

const added = <T extends z.ZodType>(version: string, schema: T): T => schema.meta({ ...schema.meta(), [ADDED_IN]: version });

/** Most entries a labels or annotations mapping takes: two mappings of the longest annotations stay below the API server's 256 KiB for an object's annotations. */
const MAX_METADATA_ENTRIES = 25;

/** A mapping of label or annotation keys to `value`s, of at most MAX_METADATA_ENTRIES entries. */
const keyedByLabelKeys = (value: z.ZodString, what: string) =>
  z
    .record(text(formats.qualifiedName), value)
    .refine((entries) => Object.keys(entries).length <= MAX_METADATA_ENTRIES)
    .meta({ maxProperties: MAX_METADATA_ENTRIES })
    .describe(what);

const labelsSchema = (what: string) => added('0.2.0', keyedByLabelKeys(text(formats.labelValue, 63), what));
const annotationsSchema = (what: string) => added('0.2.0', keyedByLabelKeys(freeText(), what));

const envVarSchema = z.strictObject({
  name: text(formats.envName, 253).describe('Variable name.'),
  // Not empty: the API server drops an empty value, and every later `kubectl apply` would put it back (found by the control plane tier).
  value: freeText().min(1).describe('Variable value, not empty (plain text; put secrets in the Secret instead).'),
});

function componentSchema(component: string, allowedServiceTypes: readonly [string, ...string[]]) {
  return z.strictObject({
    replicas: int(0, 100).describe(`Number of ${component} pods.`),
    image: imageSchema.describe(`The ${component} container image.`),
    containerPort: int(1024, 65535).describe(
      `Port the ${component} listens on inside the pod; at least 1024, because the container runs as non-root with all capabilities dropped.`,
    ),
    service: z
      .strictObject({
        type: z.enum(allowedServiceTypes).describe(`Service type of the ${component}.`),
        port: int(1, 65535).describe('Port the Service exposes.'),
        nodePort: int(30000, 32767)
          .nullable()
          .optional()
          .describe(
            allowedServiceTypes.some((type) => type !== 'ClusterIP')
              ? 'Fixed node port for `NodePort` and `LoadBalancer` Services (a `ClusterIP` Service has none: must be null); null lets Kubernetes choose.'
              : `Must be null: the ${component} Service is \`ClusterIP\`, which has no node port.`,
          ),
      })
      .describe(`The ${component} Service.`),
    resources: resourcesSchema.describe(`CPU and memory of the ${component} container.`),
    probes: z
      .strictObject({
        startup: probeSchema.describe('Holds back the other probes until the app has started.'),
        readiness: probeSchema.describe('Takes the pod out of the Service while it fails.'),
        liveness: probeSchema.describe('Restarts the container when it fails.'),
      })
      .describe(`HTTP health checks of the ${component}.`),
    rollingUpdate: added(
      '0.2.0',
      z
        .strictObject({
          maxSurge: int(0, 100).describe(`Pods a rollout may start above the ${component}'s replica count.`),
          maxUnavailable: int(0, 100).describe(`Pods a rollout may take out of service below the ${component}'s replica count; 0 keeps every replica serving until its replacement is Ready.`),
        })
        .describe(`How a change rolls the ${component}'s pods (RollingUpdate); the two may not both be 0.`),
    ),
    preStopSleepSeconds: added(
      '0.2.0',
      int(0, 300).describe(
        `Seconds a stopping ${component} pod keeps serving before it gets SIGTERM (a \`sleep\` preStop hook, so the image needs \`sleep\`), while its Service stops sending it requests; keep it below \`terminationGracePeriodSeconds\`. 0: no pause.`,
      ),
    ),
    terminationGracePeriodSeconds: added('0.2.0', int(1, 3600).describe(`Seconds a stopping ${component} pod has, its preStop pause included, before it is killed.`)),
    securityContext: z
      .strictObject({
        runAsUser: int(1, 2147483647).describe('Non-zero uid the container runs as.'),
        runAsGroup: int(1, 2147483647).describe('Non-zero gid the container runs as.'),
        fsGroup: int(1, 2147483647).describe('Group that owns the mounted volumes.'),
      })
      .describe(`Identity of the ${component} process; the rest of the security context is fixed to Pod Security Standard "restricted".`),
    extraEnv: z.array(envVarSchema).max(100).describe(`Extra environment variables for the ${component} container.`),
    autoscaling: z
      .strictObject({
        enabled: z.boolean().describe('Scale with a HorizontalPodAutoscaler; `replicas` is then left to it.'),
        minReplicas: int(1, 100).describe('Fewest pods.'),
        maxReplicas: int(1, 100).describe('Most pods.'),
        targetCPUUtilizationPercentage: int(1, 100).describe('Average CPU use, as a percentage of the request, to scale at.'),
      })
      .describe(`HorizontalPodAutoscaler (autoscaling/v2) of the ${component}.`),
    podDisruptionBudget: z
      .strictObject({
        enabled: z.boolean().describe('Create a PodDisruptionBudget.'),
        maxUnavailable: int(1, 100).describe('Pods a voluntary disruption (a node drain) may take down at once.'),
      })
      .describe(`PodDisruptionBudget of the ${component}.`),
    topologySpread: z
      .strictObject({
        enabled: z.boolean().describe('Add topology spread constraints across nodes (`kubernetes.io/hostname`) and zones (`topology.kubernetes.io/zone`), both preferred, when there can be more than one pod; a preferred pod anti-affinity on the hostname is always set then.'),
      })
      .describe(`Topology spread of the ${component} pods.`),
    podLabels: labelsSchema(`More labels for the ${component} pods (with \`commonLabels\`); never part of a selector, and none of the chart's own keys.`),
    podAnnotations: annotationsSchema(`Annotations for the ${component} pods (Prometheus, Vault or a service mesh read them); not \`checksum/config\`, which the chart sets.`),
    nodeSelector: labelsSchema(`Node labels a node must have to run the ${component} pods.`),
    tolerations: added(
      '0.2.0',
      z
        .array(tolerationSchema)
        .max(20)
        .describe(`Taints the ${component} pods tolerate, each \`{key, operator, value, effect}\` as in a pod spec, such as \`{key: dedicated, operator: Equal, value: chat, effect: NoSchedule}\`.`),
    ),
    affinity: added(
      '0.2.0',
      affinitySchema.describe(
        `Affinity of the ${component} pods, as in a pod spec (nodeAffinity, podAffinity, podAntiAffinity). When set, it replaces the chart's own (a preferred anti-affinity that spreads replicas over nodes).`,
      ),
    ),
    extraVolumes: added(
      '0.2.0',
      z
        .array(volumeSchema)
        .max(20)
        .describe(
          `More volumes for the ${component} pods, as in a pod spec: a name and one of ${VOLUME_TYPES.join(', ')} (what Pod Security "restricted" allows, without projected and ephemeral), such as \`{name: ca-bundle, configMap: {name: my-ca}}\`.`,
        ),
    ),
    extraVolumeMounts: added(
      '0.2.0',
      z
        .array(volumeMountSchema)
        .max(20)
        .describe(`Where the ${component} container mounts them (or the chart's own), as in a container spec, such as \`{name: ca-bundle, mountPath: /etc/ssl/custom, readOnly: true}\`.`),
    ),
    priorityClassName: added(
      '0.2.0',
      text(orEmpty(formats.dnsSubdomain)).describe(`PriorityClass of the ${component} pods, which must exist in the cluster (else no pod is created); empty: the cluster's default.`),
    ),
    serviceAccount: added(
      '0.2.0',
      z
        .strictObject({
          annotations: annotationsSchema(
            `Annotations for the ${component}'s ServiceAccount (with \`commonAnnotations\`), such as \`eks.amazonaws.com/role-arn\` (IRSA) or \`iam.gke.io/gcp-service-account\` (Workload Identity).`,
          ),
        })
        .describe(`The ${component}'s ServiceAccount.`),
    ),
  });
}

const secretKeys = z.strictObject({
  databaseUrl: text(formats.secretKey).describe('Key holding the Neon Postgres connection string (`DATABASE_URL`).'),
  openaiApiKey: text(formats.secretKey).describe('Key holding the OpenAI API key (`OPENAI_API_KEY`).'),
  betterAuthSecret: text(formats.secretKey).describe('Key holding the Better Auth signing secret (`BETTER_AUTH_SECRET`).'),
});

/**
 * A secret value: `writeOnly` in the schema (JSON Schema's word for a value that is never shown), so
 * no message of the synth's or the chart's shows it, and the chart leaves its pattern to a check of
 * its own (Helm's pattern message would echo the value).
 */
const secretText = (description: string) => freeText().describe(description).meta({ writeOnly: true });

/** The Secret's values: from a values file for the chart, from the environment for the raw synth. */
export const secretValuesSchema = z.strictObject({
  databaseUrl: secretText('Neon Postgres connection string.'),
  openaiApiKey: secretText('OpenAI API key.'),
  betterAuthSecret: secretText('Better Auth signing secret.'),
});

/** The kagent tool server's tools that change the cluster and that the Agent may be given (`aiops.kagent.writeTools`). */
export const KAGENT_WRITE_TOOLS = ['k8s_scale', 'k8s_rollout'] as const;

export const valuesSchema = z
  .strictObject({
    global: added(
      '0.2.0',
      z
        .looseObject({
          imageRegistry: text(formats.imageRegistry, 255).describe('Registry put in front of every image repository that names no registry host of its own (a mirror); empty: none.'),
        })
        .describe(
          "Values an umbrella chart shares with all its subcharts: Helm hands each the parent's `global`. Keys other charts read may be there too; they are ignored.",
        ),
    ),
    commonLabels: labelsSchema("Labels added to every object and pod; never part of a selector, and none of the chart's own keys."),
    commonAnnotations: annotationsSchema('Annotations added to every object (not to pods: see `<component>.podAnnotations`).'),
    backend: componentSchema('backend', ['ClusterIP']).describe('The FastAPI backend (only reachable inside the cluster).'),
    frontend: componentSchema('frontend', serviceTypes)
      .extend({
        nextCachePath: text(formats.absolutePath, 1024).describe(
          'Where Next.js writes its cache; an emptyDir is mounted there because the root filesystem is read-only.',
        ),
        ingress: z
          .strictObject({
            enabled: z.boolean().describe('Expose the frontend through an Ingress as well as its Service.'),
            className: text(orEmpty(formats.dnsSubdomain)).describe('IngressClass name; empty uses the cluster default.'),
            host: text(orEmpty(formats.dnsSubdomain)).describe('Host name to route; empty routes every host.'),
            path: text(formats.httpPath, 1024).describe('Path prefix to route.'),
            tlsSecretName: text(orEmpty(formats.dnsSubdomain)).describe('Secret with the TLS certificate for `host` (needs a `host`); empty serves plain HTTP.'),
            annotations: annotationsSchema(
              'Annotations for the Ingress (with `commonAnnotations`): what the ingress controller or cert-manager reads, such as `cert-manager.io/cluster-issuer`.',
            ),
          })
          .describe('Optional Ingress for the frontend.'),
      })
      .describe('The Next.js frontend, exposed to users.'),
    config: z
      .strictObject({
        backendUrl: text(formats.backendUrl, 1024).describe(
          'URL the frontend server proxies `/api/*` to. Empty: derived from the backend Service name, namespace and port.',
        ),
        corsOrigins: freeText().describe('Comma-separated origins the backend accepts (`CORS_ORIGINS`).'),
        logLevel: z.enum(['debug', 'info', 'warning', 'error', 'critical']).describe('Backend log level (`LOG_LEVEL`).'),
        extra: z
          .record(text(formats.envName), freeText())
          // Keeps the ConfigMap far below the API server's 1 MiB limit on an object.
          .refine((entries) => Object.keys(entries).length <= MAX_CONFIG_ENTRIES)
          .meta({ maxProperties: MAX_CONFIG_ENTRIES })
          .describe('More non-secret ConfigMap entries, given to both containers.'),
      })
      .describe('Non-secret settings, stored in the ConfigMap.'),
    secret: z
      .strictObject({
        create: z.boolean().describe('Create the Secret from `secret.values`. When false, create it yourself (see NOTES) or name it in `existingSecret`.'),
        existingSecret: text(orEmpty(formats.dnsSubdomain)).describe('Name of a Secret you created; empty means `<release>-secrets`.'),
        keys: secretKeys.describe('Key names inside the Secret.'),
        values: secretValuesSchema.describe('Secret values, used only when `create` is true. Pass them with `--set` at install time; never commit them.'),
      })
      .describe('The Secret with DATABASE_URL, OPENAI_API_KEY and BETTER_AUTH_SECRET (AD-5).'),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean().describe('Deny all traffic in the namespace by default and allow only what the app needs.'),
        backendEgress: z
          .array(
            z.strictObject({
              protocol: z.enum(['TCP', 'UDP']).describe('Protocol.'),
              port: int(1, 65535).describe('Port number.'),
            }),
          )
          .min(1)
          .max(20)
          .describe('Ports the backend may reach outside the cluster: HTTPS (OpenAI) and Postgres (Neon).'),
      })
      .describe('NetworkPolicies: frontend open on its port, backend only from the frontend, egress to DNS and the external services.'),
    tests: z
      .strictObject({
        image: imageSchema.describe('Image of the `helm test` pods; it needs `sh` and `wget` (busybox has both).'),
      })
      .describe('The `helm test` pods that check both Services.'),
    aiops: added(
      '0.2.0',
      z
        .strictObject({
          kagent: z
            .strictObject({
              enabled: z.boolean().describe('Ship `<release>-<namespace>-<hash>-doctor`, a kagent Agent that knows this deployment, one per release and namespace (needs kagent v0.9 and its CRDs in the cluster).'),
              namespace: text(formats.dnsLabel, 63).describe(
                "Namespace kagent runs in. The Agent goes there too: kagent resolves an Agent's ModelConfig in the Agent's own namespace.",
              ),
              modelConfig: text(formats.dnsSubdomain).describe("kagent ModelConfig the Agent talks to, in `namespace` (kagent's chart creates `default-model-config`)."),
              toolServer: text(formats.dnsSubdomain).describe(
                "kagent RemoteMCPServer with the Kubernetes tools, in `namespace` (kagent's chart names it `<kagent release>-tool-server`).",
              ),
              writeTools: z
                .array(z.enum(KAGENT_WRITE_TOOLS))
                .max(KAGENT_WRITE_TOOLS.length)
                .describe('Tools that change the cluster, given to the Agent on top of the read-only ones; each call waits for a human to approve it. Empty: the Agent only reads.'),
            })
            .describe('An optional kagent Agent that diagnoses this deployment with read-only Kubernetes tools.'),
        })
        .describe('AI-assisted operations.'),
    ),
  })
  .describe('Settings of the AI-Powered Todo Chatbot deployment.');

export type Values = z.infer<typeof valuesSchema>;
export type SecretField = keyof Values['secret']['keys'];
/** The Secret's entries, in the order of the schema. */
export const SECRET_FIELDS = Object.keys(secretKeys.shape) as SecretField[];
/** The environment variable each Secret entry becomes in the containers (and the raw synth reads it from). */
export const SECRET_ENV_BY_FIELD: Readonly<Record<SecretField, string>> = {
  databaseUrl: 'DATABASE_URL',
  openaiApiKey: 'OPENAI_API_KEY',
  betterAuthSecret: 'BETTER_AUTH_SECRET',
};
export type ComponentValues = Values['backend'] | Values['frontend'];
export type Component = 'backend' | 'frontend';
export const COMPONENTS: readonly Component[] = ['backend', 'frontend'];

/**
 * What the API server takes as a release's name and namespace, for the synth (its command-line flags)
 * and the chart (`helm install NAME -n NAMESPACE`), which refuses the same with the same line: Helm
 * itself lets through names the API server refuses (a leading digit, a dot) and checks no namespace.
 */
export const RELEASE_RULES = {
  // Helm refuses release names over 53 characters; the longest suffix we add ("-frontend") keeps names within 63.
  // Every resource name starts with it, and a Service name must be a DNS-1035 label.
  name: { flag: '--release-name', format: formats.dnsLabelStartingWithLetter, maxLength: 53, allowed: 'a DNS-1035 label of at most 53 characters' },
  namespace: { flag: '--namespace', format: formats.dnsLabel, maxLength: 63, allowed: 'a DNS-1123 label of at most 63 characters' },
} as const;

/** The one line either output refuses a release name or namespace with; the chart quotes the value with Go's %q. */
export function releaseProblemLine(field: keyof typeof RELEASE_RULES, value: string, quote: (value: string) => string = JSON.stringify): string {
  return `${RELEASE_RULES[field].flag}: expected ${RELEASE_RULES[field].allowed} (lowercase letters, digits and "-"), got ${quote(value)}`;
}

/**
 * The raw output alone refuses the namespaces the cluster owns: it writes the Namespace object with
 * Pod Security labels, and README's uninstall (`kubectl delete -f dist/`) deletes it. The chart writes
 * no Namespace, and `helm lint` and `helm template` render into `default` unless told otherwise.
 */
export function clusterOwnedNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

/** The synth's line for a namespace the cluster owns. */
export function clusterNamespaceLine(name: string): string {
  return `--namespace: expected a namespace of the release's own, not default or kube-* (the raw output writes the Namespace object, and kubectl delete -f dist/ deletes it), got ${JSON.stringify(name)}`;
}

/** Release name and namespace: Helm takes them from `helm install NAME -n NAMESPACE`, not from values. */
export const releaseSchema = z.strictObject({
  name: text(RELEASE_RULES.name.format, RELEASE_RULES.name.maxLength).describe('Release name, the prefix of every resource name.'),
  namespace: text(RELEASE_RULES.namespace.format, RELEASE_RULES.namespace.maxLength)
    .refine((name) => !clusterOwnedNamespace(name))
    .describe('Namespace everything is deployed into.'),
});

export type Release = z.infer<typeof releaseSchema>;
