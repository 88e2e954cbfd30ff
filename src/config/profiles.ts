import { SECRET_ENV_BY_FIELD, Values } from './schema';
import { DeepPartial, deepMerge } from './merge';

interface ComponentDefaults<Service> {
  readonly name: 'backend' | 'frontend';
  readonly containerPort: number;
  readonly service: Service;
  readonly healthPath: string;
}

/**
 * What both tiers share on Minikube: two replicas of a locally built image (one pod can go, in a rollout or
 * a crash, while the other serves), modest resources, PSS identity.
 */
function componentDefaults<Service>({ name, containerPort, service, healthPath: path }: ComponentDefaults<Service>): Omit<Values['backend'], 'service'> & { service: Service } {
  return {
    replicas: 2,
    image: { repository: `todo-chatbot-${name}`, tag: 'local', digest: '', pullPolicy: 'Never' },
    containerPort,
    service,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    probes: {
      // Startup allows 5 s x 30 = 150 s for a cold start before liveness may restart the container.
      startup: { path, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
      readiness: { path, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      // Liveness is slower and more patient than readiness, so a busy pod leaves the Service before it is killed.
      liveness: { path, initialDelaySeconds: 0, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
    },
    // kube-proxy sees an endpoint go a moment after its pod starts stopping: up to 3 s on the node tier's
    // two-core machine during a rollout (kube-proxy's own histogram, printed by the tier), more on a busy
    // cluster. The pod keeps serving for 10 s first, so a rollout drops no request.
    preStopSleepSeconds: 10,
    // A new pod must be Ready before an old one goes: no request dropped, even at one replica.
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    terminationGracePeriodSeconds: 30,
    securityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
    extraEnv: [],
    autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 75 },
    podDisruptionBudget: { enabled: false, maxUnavailable: 1 },
    topologySpread: { enabled: false },
    podLabels: {},
    podAnnotations: {},
    nodeSelector: {},
    tolerations: [],
    affinity: {},
    extraVolumes: [],
    extraVolumeMounts: [],
    priorityClassName: '',
    serviceAccount: { annotations: {} },
  };
}

/** The default profile: images built inside Minikube's Docker daemon, two replicas each. */
const minikube: Values = {
  global: { imageRegistry: '' },
  commonLabels: {},
  commonAnnotations: {},
  backend: componentDefaults({ name: 'backend', containerPort: 8000, service: { type: 'ClusterIP' as const, port: 8000, nodePort: null }, healthPath: '/health' }),
  frontend: {
    ...componentDefaults({ name: 'frontend', containerPort: 3000, service: { type: 'LoadBalancer' as const, port: 80, nodePort: null }, healthPath: '/' }),
    nextCachePath: '/app/.next/cache',
    ingress: { enabled: false, className: '', host: '', path: '/', tlsSecretName: '', annotations: {} },
  },
  config: {
    backendUrl: '',
    corsOrigins: 'http://localhost:3000',
    logLevel: 'info',
    extra: {},
  },
  secret: {
    create: false,
    existingSecret: '',
    keys: { ...SECRET_ENV_BY_FIELD },
    values: { databaseUrl: '', openaiApiKey: '', betterAuthSecret: '' },
  },
  // On in both profiles: Minikube's default CNI does not enforce NetworkPolicies, which is harmless, and
  // `minikube start --cni=calico` (or any real cluster's CNI) does, so what a user ships is isolated.
  networkPolicy: {
    enabled: true,
    backendEgress: [
      { protocol: 'TCP', port: 443 },
      { protocol: 'TCP', port: 5432 },
    ],
  },
  tests: {
    image: { repository: 'busybox', tag: '1.37.0', digest: '', pullPolicy: 'IfNotPresent' },
  },
  // The names kagent's own chart gives these when installed as release "kagent" in namespace "kagent".
  aiops: {
    kagent: { enabled: false, namespace: 'kagent', modelConfig: 'default-model-config', toolServer: 'kagent-tool-server', writeTools: [] },
  },
};

/** Version of the application the chart deploys (`appVersion`, the `app.kubernetes.io/version` label): the cloud profile's image tag. */
export const APP_VERSION = '1.0.0';

const registry = (component: string) => ({
  repository: `ghcr.io/example/todo-chatbot-${component}`,
  tag: APP_VERSION,
  pullPolicy: 'IfNotPresent' as const,
});

const highAvailability = { autoscaling: { enabled: true }, podDisruptionBudget: { enabled: true }, topologySpread: { enabled: true } };

/**
 * A real cluster: pinned registry images pulled `IfNotPresent`, two to five replicas each as CPU demands
 * (HorizontalPodAutoscaler), PDBs, spread.
 */
const cloudOverrides: DeepPartial<Values> = {
  backend: { image: registry('backend'), ...highAvailability },
  frontend: { image: registry('frontend'), ...highAvailability },
  config: { logLevel: 'warning' },
};

export const profiles = {
  minikube,
  cloud: deepMerge(minikube, cloudOverrides),
} as const;

export type ProfileName = keyof typeof profiles;
export const PROFILE_NAMES = Object.keys(profiles) as ProfileName[];
export const DEFAULT_PROFILE: ProfileName = 'minikube';
