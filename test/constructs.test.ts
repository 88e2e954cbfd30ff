import { App, Chart } from 'cdk8s';
import fc from 'fast-check';
import { Settings } from '../src/config/load';
import { COMPONENTS } from '../src/config/schema';
import { Ingress } from '../src/constructs/ingress';
import { KAGENT_READ_ONLY_TOOLS, KagentAgent } from '../src/constructs/kagent-agent';
import { NetworkPolicies } from '../src/constructs/network-policy';
import { ModelContext, RawContext } from '../src/model/context';
import { TodoChatbot } from '../src/constructs/todo-chatbot';
import { settingsArbitrary } from './support/arbitraries';
import { rawTemplate } from './support/equivalence';
import { find } from './support/kube';

/*
 * Each construct alone, for random valid settings: what it makes, judged against the settings and
 * against the objects of the whole synth it must fit (the Service an Ingress routes to, the pods a
 * NetworkPolicy selects), not against the helpers it was built from.
 */

/**
 * The objects one construct makes in a chart of its own, with the raw context. The references it is
 * handed (Deployments, Services) come from a whole synth in another chart, whose objects are not counted.
 */
function objectsOf(settings: Settings, build: (scope: Chart, ctx: ModelContext, whole: TodoChatbot) => void): any[] {
  const app = new App();
  const ctx = new RawContext(settings.values, settings.release);
  const whole = new TodoChatbot(app, 'whole', { ctx, secretValues: settings.values.secret.values });
  const chart = new Chart(app, 'one');
  build(chart, ctx, whole);
  return chart.toJson();
}

const RUNS = 60;

/**
 * `fc.assert` over settings where `enabled` picks whether the construct makes anything; fails when
 * either kind of run is too rare for the property to have judged it.
 */
function assertBoth(enabled: (settings: Settings) => boolean, check: (settings: Settings) => void): void {
  const seen = { enabled: 0, disabled: 0 };
  fc.assert(
    fc.property(settingsArbitrary, (settings) => {
      seen[enabled(settings) ? 'enabled' : 'disabled'] += 1;
      check(settings);
    }),
    { numRuns: RUNS },
  );
  expect(Math.min(seen.enabled, seen.disabled)).toBeGreaterThanOrEqual(RUNS / 6);
}

describe('Ingress', () => {
  it('exists only when enabled, carries exactly the class, host and TLS that are set, and routes to the frontend Service by its port name', () => {
    assertBoth(
      (settings) => settings.values.frontend.ingress.enabled,
      (settings) => {
        const ingress = settings.values.frontend.ingress;
        const objects = objectsOf(settings, (scope, ctx, whole) => new Ingress(scope, 'ingress', { ctx, service: whole.frontend.service }));
        if (!ingress.enabled) return void expect(objects).toEqual([]);
        const [object] = objects;
        expect(objects).toHaveLength(1);
        const { spec } = object;
        expect(spec.ingressClassName).toBe(ingress.className || undefined);
        expect(spec.rules).toHaveLength(1);
        expect(spec.rules[0].host).toBe(ingress.host || undefined);
        expect(spec.tls).toEqual(ingress.tlsSecretName ? [{ ...(ingress.host ? { hosts: [ingress.host] } : {}), secretName: ingress.tlsSecretName }] : undefined);
        const [path] = spec.rules[0].http.paths;
        expect({ path: path.path, pathType: path.pathType }).toEqual({ path: ingress.path, pathType: 'Prefix' });
        const service = find(rawTemplate(settings), 'Service', path.backend.service.name);
        expect(service.metadata.labels?.['app.kubernetes.io/component']).toBe('frontend');
        expect(service.spec.ports.map((port: any) => port.name)).toContain(path.backend.service.port.name);
      },
    );
  });
});

describe('NetworkPolicies', () => {
  it('exist only when enabled; each selects the pods of a Deployment of the synth, by ports those pods name; the backend egress is the setting, outside private ranges', () => {
    assertBoth(
      (settings) => settings.values.networkPolicy.enabled,
      (settings) => {
        const objects = objectsOf(settings, (scope, ctx, whole) => new NetworkPolicies(scope, 'policies', { ctx, backend: whole.backend.deployment, frontend: whole.frontend.deployment }));
        if (!settings.values.networkPolicy.enabled) return void expect(objects).toEqual([]);
        // The policies for `helm test` pods are the chart's alone.
        expect(objects.map((object) => object.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] ?? 'all')).toEqual(['all', 'frontend', 'backend']);
        const all = rawTemplate(settings);
        for (const component of COMPONENTS) {
          const deployment: any = all.find((object: any) => object.kind === 'Deployment' && object.spec.template.metadata.labels['app.kubernetes.io/component'] === component);
          const policy = objects.find((object) => object.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === component);
          expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
          const portNames = deployment.spec.template.spec.containers.flatMap((container: any) => (container.ports ?? []).map((port: any) => port.name));
          for (const rule of policy.spec.ingress) for (const port of rule.ports) expect(portNames).toContain(port.port);
        }
        const backend = objects[2];
        const outside = backend.spec.egress.find((rule: any) => rule.to?.[0]?.ipBlock);
        expect(outside.ports).toEqual(settings.values.networkPolicy.backendEgress);
        expect(outside.to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }]);
      },
    );
  });
});

describe('KagentAgent', () => {
  it('exists only when enabled, in kagent\'s namespace; its tools are the read-only ones and the write tools, each write tool waiting for approval; its message names no secret value', () => {
    assertBoth(
      (settings) => settings.values.aiops.kagent.enabled,
      (settings) => {
        const kagent = settings.values.aiops.kagent;
        const objects = objectsOf(settings, (scope, ctx, whole) => new KagentAgent(scope, 'agent', { ctx, components: whole }));
        if (!kagent.enabled) return void expect(objects).toEqual([]);
        expect(objects).toHaveLength(1);
        const [agent] = objects;
        expect(agent.metadata.namespace).toBe(kagent.namespace);
        const [tools] = agent.spec.declarative.tools;
        expect(tools.mcpServer.name).toBe(kagent.toolServer);
        expect(tools.mcpServer.toolNames).toEqual([...KAGENT_READ_ONLY_TOOLS, ...kagent.writeTools]);
        expect(tools.mcpServer.requireApproval).toEqual(kagent.writeTools.length > 0 ? kagent.writeTools : undefined);
        const message: string = agent.spec.declarative.systemMessage;
        for (const key of Object.values(settings.values.secret.keys)) expect(message).toContain(key);
        // A generated value can appear in the prose by chance ('toString' inside a key named '9toString'),
        // so the message is judged by not moving when every value changes to one that appears nowhere.
        const marked = structuredClone(settings);
        for (const name of Object.keys(marked.values.secret.values) as (keyof typeof marked.values.secret.values)[]) {
          marked.values.secret.values[name] = `never-in-the-message-${name}`;
        }
        const [markedAgent] = objectsOf(marked, (scope, ctx, whole) => new KagentAgent(scope, 'agent', { ctx, components: whole }));
        expect(markedAgent.spec.declarative.systemMessage).toBe(message);
        expect(message).not.toContain('never-in-the-message');
      },
    );
  });
});
