import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Component, ComponentValues } from '../config/schema';
import type { Condition, ModelContext } from '../model/context';
import { canonicalCpu, canonicalMemory } from '../config/rules';
import { PORT_ENV } from '../config/environment';
import { CONFIG_CHECKSUM_ANNOTATION } from '../config/metadata';
import { kubeObject, Wire } from '../model/k8s';
import { CANONICAL_QUANTITY_HELPER, componentMetadata, componentName, configMapName, imageReference, labels, secretName, selectorLabels } from '../model/helpers';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';

/** The container port's name; Services and probes target it by name, never by number. */
const HTTP_PORT_NAME = 'http';

export interface DeploymentProps {
  readonly ctx: ModelContext;
  readonly component: Component;
  /** Environment variables read from the Secret: variable name to Secret key. Only what this container needs. */
  readonly secretEnv: Readonly<Record<string, string>>;
  /** Fixed environment variables besides PORT. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** emptyDir volumes for the paths the app writes to: volume name to mount path (the root filesystem is read-only). */
  readonly writablePaths: Readonly<Record<string, string>>;
  /** Hash of the configuration the pods read; a change rolls them. */
  readonly configChecksum: string;
}

type ProbeName = keyof ComponentValues['probes'];

function probe(ctx: ModelContext, component: Component, name: ProbeName): Wire<k8s.Probe> {
  const { path, initialDelaySeconds, ...timings } = ctx.values[component].probes[name];
  return {
    httpGet: { path, port: HTTP_PORT_NAME, scheme: 'HTTP' },
    // The API server drops a zero delay (its default); written out, it would make every later `kubectl
    // apply` report the Deployment "configured" (found by the control plane tier).
    ...ctx.when({ truthy: `${component}.probes.${name}.initialDelaySeconds` }, { initialDelaySeconds }),
    ...timings,
  };
}

const CANONICAL = { cpu: canonicalCpu, memory: canonicalMemory } as const;

/** Requests and limits as the API server stores them, so a second `kubectl apply` finds nothing to change. */
function canonicalResources(ctx: ModelContext, component: Component): Wire<k8s.ResourceRequirements> {
  const { resources } = ctx.values[component];
  const amounts = (kind: 'requests' | 'limits') =>
    Object.fromEntries(
      (['cpu', 'memory'] as const).map((resource) => [
        resource,
        ctx.computed(() => CANONICAL[resource](resources[kind][resource]), { helper: CANONICAL_QUANTITY_HELPER[resource], of: `${component}.resources.${kind}.${resource}` }),
      ]),
    );
  return { requests: amounts('requests'), limits: amounts('limits') };
}

const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';
const ZONE_TOPOLOGY = 'topology.kubernetes.io/zone';

/** When there can be more than one pod. */
function replicated(component: Component): Condition {
  return { any: [{ truthy: `${component}.autoscaling.enabled` }, { greaterThan: [`${component}.replicas`, 1] }] };
}

/** A component's pods: one container, PSS restricted, probed, rolled on config change. */
export class Deployment extends Construct {
  /** The Deployment's name. */
  readonly name: string;
  /** The labels that select its pods (a Service's selector, a policy's podSelector). */
  readonly selector: Record<string, string>;
  /** The name of the pods' one port, which Services, probes and policies target. */
  readonly portName = HTTP_PORT_NAME;

  constructor(scope: Construct, id: string, props: DeploymentProps) {
    super(scope, id);
    const { ctx, component } = props;
    const settings: ComponentValues = ctx.values[component];
    this.name = componentName(ctx, component);
    this.selector = selectorLabels(ctx, component);
    const ownPods = { matchLabels: this.selector };
    const env: Wire<k8s.EnvVar>[] = [
      { name: PORT_ENV, value: ctx.asText(settings.containerPort) },
      ...Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
      ...Object.entries(props.secretEnv).map(([name, key]) => ({
        name,
        valueFrom: { secretKeyRef: { name: secretName(ctx), key } },
      })),
    ];
    const container: Wire<k8s.Container> = {
      name: component,
      image: imageReference(ctx, component),
      imagePullPolicy: settings.image.pullPolicy,
      ports: [{ name: HTTP_PORT_NAME, containerPort: settings.containerPort, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: configMapName(ctx) } }],
      env: ctx.concat(env, settings.extraEnv),
      resources: canonicalResources(ctx, component),
      startupProbe: probe(ctx, component, 'startup'),
      readinessProbe: probe(ctx, component, 'readiness'),
      livenessProbe: probe(ctx, component, 'liveness'),
      // Endpoints are removed while the pod stops, not before: it keeps serving until they are gone.
      ...ctx.when({ truthy: `${component}.preStopSleepSeconds` }, {
        lifecycle: { preStop: { exec: { command: ['sleep', ctx.asText(settings.preStopSleepSeconds)] } } },
      }),
      securityContext: restrictedContainerSecurityContext(settings.securityContext),
      volumeMounts: ctx.concat<Wire<k8s.VolumeMount>>(
        Object.entries(props.writablePaths).map(([name, mountPath]) => ({ name, mountPath })),
        settings.extraVolumeMounts,
      ),
    };
    kubeObject<k8s.KubeDeploymentProps>(this, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: componentMetadata(ctx, component),
      body: {
        spec: {
          // With an autoscaler, the HPA owns the replica count; a fixed one would fight it on every apply.
          ...ctx.when({ not: { truthy: `${component}.autoscaling.enabled` } }, { replicas: settings.replicas }),
          revisionHistoryLimit: 5,
          selector: ownPods,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: settings.rollingUpdate.maxSurge, maxUnavailable: settings.rollingUpdate.maxUnavailable } },
          template: {
            metadata: {
              // The rules keep podLabels and podAnnotations from naming a key the chart sets, so they only add.
              labels: { ...ctx.merge({}, labels(ctx, component)), ...ctx.merge({}, settings.podLabels) },
              annotations: { [CONFIG_CHECKSUM_ANNOTATION]: props.configChecksum, ...ctx.merge({}, settings.podAnnotations) },
            },
            spec: {
              serviceAccountName: componentName(ctx, component),
              automountServiceAccountToken: false,
              // Service links would put every Service's address into the environment; the apps use BACKEND_URL.
              enableServiceLinks: false,
              terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds,
              ...ctx.when({ truthy: `${component}.priorityClassName` }, { priorityClassName: settings.priorityClassName }),
              ...ctx.when({ truthy: `${component}.nodeSelector` }, { nodeSelector: settings.nodeSelector }),
              ...ctx.when({ truthy: `${component}.tolerations` }, { tolerations: settings.tolerations }),
              securityContext: restrictedPodSecurityContext(settings.securityContext),
              containers: [container],
              // The user's affinity, when set, replaces ours (as in Bitnami's charts): one can only be replaced whole.
              ...ctx.when({ truthy: `${component}.affinity` }, { affinity: settings.affinity }),
              // Spread replicas over nodes, softly, so a single-node Minikube still runs them all.
              ...ctx.when({ all: [{ not: { truthy: `${component}.affinity` } }, replicated(component)] }, {
                affinity: {
                  podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                      { weight: 100, podAffinityTerm: { topologyKey: HOSTNAME_TOPOLOGY, labelSelector: ownPods } },
                    ],
                  },
                },
              }),
              ...ctx.when(
                { all: [{ truthy: `${component}.topologySpread.enabled` }, replicated(component)] },
                {
                  // Over nodes, and over zones so that one zone's outage leaves pods in another. Softly:
                  // a node without a zone label, or a cluster of one zone, still runs every replica.
                  topologySpreadConstraints: [HOSTNAME_TOPOLOGY, ZONE_TOPOLOGY].map((topologyKey) => ({
                    maxSkew: 1,
                    topologyKey,
                    whenUnsatisfiable: 'ScheduleAnyway',
                    labelSelector: ownPods,
                  })),
                },
              ),
              volumes: ctx.concat<Wire<k8s.Volume>>(
                Object.keys(props.writablePaths).map((name) => ({ name, emptyDir: {} })),
                settings.extraVolumes,
              ),
            },
          },
        },
      },
    });
  }
}
