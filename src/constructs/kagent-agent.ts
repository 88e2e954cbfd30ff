import { Construct } from 'constructs';
import { CONFIG_MAP_ENV } from '../config/environment';
import type { Component } from '../config/schema';
import type { ModelContext } from '../model/context';
import { kubeObject } from '../model/k8s';
import { annotations, configMapName, imageReference, labels, secretName, sharedNamespaceName } from '../model/helpers';
import type { AgentProps } from '../../imports/kagent.dev';
import type { AppComponent } from './app-component';

/** The kagent Agent's API version: v1alpha2 is the version kagent v0.9 stores. */
export const KAGENT_AGENT_API_VERSION = 'kagent.dev/v1alpha2';

/**
 * The kagent tool server's tools that only read: resources, their description, events and pod logs. The
 * pod-log tool takes pod_name, namespace, container and tail_lines: no previous container, no time window.
 */
export const KAGENT_READ_ONLY_TOOLS = ['k8s_get_resources', 'k8s_describe_resource', 'k8s_get_events', 'k8s_get_pod_logs'] as const;

/**
 * What goes wrong most often, as docs/troubleshooting.md lists it (each `symptom` is one of its headings;
 * a test keeps the two together), and where the Agent should look.
 */
export const COMMON_FAILURES: readonly { readonly symptom: string; readonly look: string }[] = [
  { symptom: '`ErrImageNeverPull` / `ImagePullBackOff`', look: 'the image name and tag in the pod spec against what the node has or the registry serves' },
  { symptom: '`CreateContainerConfigError`', look: 'the Secret and key the pod events name; list key names only' },
  { symptom: 'Probes failing', look: 'the probe path, port and timing against the container port and the health endpoint; startup failures point at a slow or crashing start' },
  { symptom: 'Pod Security admission rejections', look: "the namespace's pod-security labels and the ReplicaSet's FailedCreate events" },
  { symptom: "The frontend's `EXTERNAL-IP` stays `<pending>`", look: 'whether the cluster has a load balancer (on Minikube, `minikube tunnel`)' },
  { symptom: 'The frontend loads but API calls fail', look: `the frontend's ${CONFIG_MAP_ENV.backendUrl} in the ConfigMap, the backend Service's endpoints and the backend's logs` },
];

export interface KagentAgentProps {
  readonly ctx: ModelContext;
  /** The components the Agent describes: their Deployments' and Services' names and port names. */
  readonly components: Readonly<Record<Component, AppComponent>>;
}

/**
 * `<release>-<namespace>-<hash>-doctor`: a Declarative kagent Agent (`aiops.kagent.enabled`) whose system
 * message is this deployment, generated from the same model as the objects it describes. It lives in
 * kagent's namespace, where kagent resolves its ModelConfig, and reads the app's namespace through the
 * tool server; its name is this deployment's alone, so two releases or namespaces never share one.
 */
export class KagentAgent extends Construct {
  constructor(scope: Construct, id: string, { ctx, components }: KagentAgentProps) {
    super(scope, id);
    const kagent = ctx.values.aiops.kagent;
    ctx.whenObject({ truthy: 'aiops.kagent.enabled' }, () =>
      kubeObject<AgentProps>(this, {
        apiVersion: KAGENT_AGENT_API_VERSION,
        kind: 'Agent',
        metadata: { name: sharedNamespaceName(ctx, 'doctor'), namespace: kagent.namespace, labels: labels(ctx), ...annotations(ctx) },
        body: {
          spec: {
            type: 'Declarative',
            description: `Diagnoses the AI-Powered Todo Chatbot (release ${ctx.release.name}) in namespace ${ctx.release.namespace}.`,
            declarative: {
              // The CRD's default, written out: the API server then stores exactly the Agent we wrote.
              runtime: 'python',
              modelConfig: kagent.modelConfig,
              systemMessage: systemMessage(ctx, components),
              tools: [
                {
                  type: 'McpServer',
                  mcpServer: {
                    apiGroup: 'kagent.dev',
                    kind: 'RemoteMCPServer',
                    name: kagent.toolServer,
                    toolNames: ctx.concat<string>(KAGENT_READ_ONLY_TOOLS, kagent.writeTools),
                    // Every tool that changes the cluster waits for a human's approval.
                    ...ctx.when({ truthy: 'aiops.kagent.writeTools' }, { requireApproval: kagent.writeTools }),
                  },
                },
              ],
            },
          },
        },
      }),
    );
  }
}

function componentLines(ctx: ModelContext, component: Component, { deployment, service: serviceObject }: AppComponent, what: string): string[] {
  const { containerPort, service, probes } = ctx.values[component];
  const probe = (name: 'startup' | 'readiness' | 'liveness') =>
    `${name} GET ${probes[name].path} every ${probes[name].periodSeconds} s, timeout ${probes[name].timeoutSeconds} s, ${probes[name].failureThreshold} failures allowed`;
  return [
    `- Deployment ${deployment.name} (${what}), image ${imageReference(ctx, component)}, container port ${containerPort} named ${deployment.portName};`,
    `  Service ${serviceObject.name} (${service.type}) on port ${service.port}; probes on port ${deployment.portName}: ${probe('startup')}; ${probe('readiness')}; ${probe('liveness')}.`,
  ];
}

/** The Agent's knowledge of this deployment: names, health checks, the image contract, common failures. Never a secret value. */
function systemMessage(ctx: ModelContext, components: KagentAgentProps['components']): string {
  const { keys } = ctx.values.secret;
  return [
    `You diagnose the AI-Powered Todo Chatbot, release ${ctx.release.name}, in namespace ${ctx.release.namespace}.`,
    'What runs there:',
    ...componentLines(ctx, 'backend', components.backend, 'FastAPI API'),
    ...componentLines(ctx, 'frontend', components.frontend, `Next.js web app; it calls the backend through ${CONFIG_MAP_ENV.backendUrl}`),
    `- ConfigMap ${configMapName(ctx)}: non-secret settings (${[CONFIG_MAP_ENV.logLevel, CONFIG_MAP_ENV.corsOrigins, CONFIG_MAP_ENV.backendUrl].join(', ')}).`,
    `- Secret ${secretName(ctx)}: keys ${keys.databaseUrl}, ${keys.openaiApiKey}, ${keys.betterAuthSecret} (Neon Postgres URL, OpenAI key, Better Auth secret).`,
    'Image contract: both containers run as a non-root user under Pod Security "restricted", with a read-only root filesystem;',
    'they write only to emptyDir volumes (/tmp, and the Next.js cache). /health and / answer without a database call, so a failing probe',
    'means the process itself, not Postgres or OpenAI.',
    'Common failures and where to look:',
    ...COMMON_FAILURES.map(({ symptom, look }) => `- ${symptom}: ${look}.`),
    'How to work: read events, pod status, descriptions and logs first (the log tool takes pod_name, namespace, container and',
    'tail_lines). Never print, decode or repeat a Secret value: name keys only. Propose fixes as Helm values or synth settings',
    '(they live in the chart), not as edits of live objects, which the next upgrade or apply undoes.',
  ].join('\n');
}
