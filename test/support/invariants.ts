import { Settings } from '../../src/config/load';
import { canonicalCpu, canonicalMemory } from '../../src/config/rules';
import { KAGENT_READ_ONLY_TOOLS } from '../../src/constructs/kagent-agent';
import { podSecurityViolations } from '../../src/policy/pss';
import { find, podTemplates } from './kube';
import type { KubeObject } from '../../src/model/k8s';

const COMPONENTS = ['backend', 'frontend'] as const;

function subset(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * What must hold for any valid settings; each failed check is one line. Used by the example tests,
 * the property tests and the Helm tests alike.
 */
export function invariantViolations(manifests: readonly KubeObject[], settings: Settings): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => ok || problems.push(message);
  const { release, values } = settings;
  const deployments = manifests.filter((m) => m.kind === 'Deployment');

  for (const manifest of manifests) {
    const { name, namespace } = manifest.metadata;
    // Namespaces are DNS-1123 labels; Services (and so every name derived from the release) DNS-1035 labels.
    const label = manifest.kind === 'Namespace' ? /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ : /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
    check(label.test(name) && name.length <= 63, `${manifest.kind} name ${name} is not a valid DNS label of at most 63 characters`);
    // kagent resolves an Agent's ModelConfig in the Agent's own namespace: the Agent lives with kagent.
    const expected = manifest.kind === 'Agent' ? values.aiops.kagent.namespace : release.namespace;
    if (manifest.kind !== 'Namespace') check(namespace === expected, `${manifest.kind}/${name} is in namespace ${namespace}, not ${expected}`);
  }

  for (const deployment of deployments) {
    const selector = deployment.spec.selector.matchLabels;
    const labels = deployment.spec.template.metadata.labels;
    check(subset(selector, labels), `Deployment/${deployment.metadata.name} selector does not match its pod labels`);
    check(
      Object.keys(selector).sort().join() === 'app.kubernetes.io/component,app.kubernetes.io/instance,app.kubernetes.io/name',
      `Deployment/${deployment.metadata.name} selects on ${Object.keys(selector).join(', ')}`,
    );
  }

  for (const { owner, spec } of podTemplates(manifests)) {
    for (const violation of podSecurityViolations(spec)) problems.push(`${owner}: PSS restricted: ${violation}`);
  }

  for (const component of COMPONENTS) {
    const name = `${release.name}-${component}`;
    const settingsOf = values[component];
    const deployment = find(manifests, 'Deployment', name);
    const service = find(manifests, 'Service', name);
    const container = deployment.spec.template.spec.containers[0];
    const portNames = (container.ports ?? []).map((port: { name: string }) => port.name);
    check(subset(service.spec.selector, deployment.spec.template.metadata.labels), `Service/${name} does not select its pods`);
    check(service.spec.type === settingsOf.service.type, `Service/${name} has type ${service.spec.type}`);
    for (const port of service.spec.ports) {
      check(portNames.includes(port.targetPort), `Service/${name} targets port ${port.targetPort}, not a named container port`);
      check(port.port === settingsOf.service.port, `Service/${name} exposes ${port.port}`);
      const wantsNodePort = settingsOf.service.type !== 'ClusterIP' && settingsOf.service.nodePort;
      check(port.nodePort === (wantsNodePort ? settingsOf.service.nodePort : undefined), `Service/${name} nodePort is ${port.nodePort}`);
    }
    check(container.ports[0].containerPort === settingsOf.containerPort, `${name} container port is ${container.ports[0].containerPort}`);
    for (const probe of ['startup', 'readiness', 'liveness'] as const) {
      const actual = container[`${probe}Probe`];
      check(actual?.httpGet?.path === settingsOf.probes[probe].path, `${name} ${probe} probe path is ${actual?.httpGet?.path}`);
      check(portNames.includes(actual?.httpGet?.port), `${name} ${probe} probe port ${actual?.httpGet?.port} is not a named container port`);
      // The API server drops a zero delay; a manifest holding one is "configured" again by every kubectl apply.
      const delay = settingsOf.probes[probe].initialDelaySeconds;
      check(actual?.initialDelaySeconds === (delay === 0 ? undefined : delay), `${name} ${probe} probe initialDelaySeconds is ${actual?.initialDelaySeconds}`);
    }
    check(container.imagePullPolicy === settingsOf.image.pullPolicy, `${name} pull policy is ${container.imagePullPolicy}`);
    // A repository names its registry when its first part holds "." or ":" or is localhost; global.imageRegistry goes before the others.
    const [first, ...rest] = settingsOf.image.repository.split('/');
    const namesRegistry = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost');
    const { imageRegistry } = settings.values.global;
    const repository = imageRegistry && !namesRegistry ? `${imageRegistry}/${settingsOf.image.repository}` : settingsOf.image.repository;
    const expectedImage = settingsOf.image.digest ? `${repository}@${settingsOf.image.digest}` : `${repository}:${settingsOf.image.tag}`;
    check(container.image === expectedImage, `${name} image is ${container.image}`);
    const replicas = settingsOf.autoscaling.enabled ? undefined : settingsOf.replicas;
    check(deployment.spec.replicas === replicas, `${name} replicas is ${deployment.spec.replicas}`);
    for (const kind of ['requests', 'limits'] as const) {
      const canonical = { cpu: canonicalCpu(settingsOf.resources[kind].cpu), memory: canonicalMemory(settingsOf.resources[kind].memory) };
      check(JSON.stringify(container.resources?.[kind]) === JSON.stringify(canonical), `${name} ${kind} are ${JSON.stringify(container.resources?.[kind])}, not ${JSON.stringify(canonical)}`);
    }
    const secretName = values.secret.existingSecret || `${release.name}-secrets`;
    const secretEnv = (container.env ?? []).filter((env: any) => env.valueFrom?.secretKeyRef);
    for (const env of secretEnv) check(env.valueFrom.secretKeyRef.name === secretName, `${name} reads Secret ${env.valueFrom.secretKeyRef.name}`);
    const secretVars = secretEnv.map((env: any) => env.name).sort().join();
    const expectedVars = component === 'backend' ? 'BETTER_AUTH_SECRET,DATABASE_URL,OPENAI_API_KEY' : 'BETTER_AUTH_SECRET';
    check(secretVars === expectedVars, `${name} reads secret variables ${secretVars}`);
  }

  const config = find(manifests, 'ConfigMap', `${release.name}-config`);
  const backendService = find(manifests, 'Service', `${release.name}-backend`);
  const derivedUrl = `http://${backendService.metadata.name}.${release.namespace}.svc.cluster.local:${backendService.spec.ports[0].port}`;
  check(config.data?.BACKEND_URL === (values.config.backendUrl || derivedUrl), `BACKEND_URL is ${config.data?.BACKEND_URL}`);

  const agents = manifests.filter((m) => m.kind === 'Agent');
  check(agents.length === (values.aiops.kagent.enabled ? 1 : 0), `${agents.length} kagent Agents with aiops.kagent.enabled ${values.aiops.kagent.enabled}`);
  for (const agent of agents) {
    const { modelConfig, systemMessage, tools } = agent.spec.declarative;
    check(modelConfig === values.aiops.kagent.modelConfig, `Agent ModelConfig is ${modelConfig}`);
    const [server] = tools.map((tool: any) => tool.mcpServer);
    check(server.name === values.aiops.kagent.toolServer, `Agent tool server is ${server.name}`);
    const { writeTools } = values.aiops.kagent;
    check(JSON.stringify(server.toolNames) === JSON.stringify([...KAGENT_READ_ONLY_TOOLS, ...writeTools]), `Agent tools are ${server.toolNames}`);
    check(JSON.stringify(server.requireApproval) === JSON.stringify(writeTools.length ? writeTools : undefined), `Agent asks approval for ${server.requireApproval}`);
    // The Agent knows every object by its real name, and the namespace they are in.
    const named = manifests.filter((m) => ['Deployment', 'Service', 'ConfigMap'].includes(m.kind)).map((m) => m.metadata.name);
    for (const name of [...named, values.secret.existingSecret || `${release.name}-secrets`, `namespace ${release.namespace}`]) {
      check(systemMessage.includes(` ${name}`), `Agent's system message does not name ${name}`);
    }
  }
  return problems;
}

/** Every secret value that could leak, long enough not to match by chance. */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length >= 8 && text.includes(secret));
}
