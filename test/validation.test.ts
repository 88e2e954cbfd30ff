import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { reservedEnv } from '../src/config/environment';
import { loadSettings, validateValues } from '../src/config/load';
import { PROFILE_NAMES } from '../src/config/profiles';
import { COMPONENTS } from '../src/config/schema';
import { POLICY_RULES, policyViolations } from '../src/policy/rules';
import { rawFiles, synthObjects } from '../src/outputs/raw';
import { schemaProblems } from '../src/validate/kube-schema';
import { validateFiles } from '../src/validate/validate-files';
import { settingsArbitrary } from './support/arbitraries';
import { scratchFolder } from './support/scratch';

const objectsOf = (profile: string) => synthObjects(loadSettings({ profile }));

describe('Kubernetes schema validation (kubernetes-models + strict unknown fields)', () => {
  it.each(PROFILE_NAMES)('accepts every object of the %s profile', (profile) => {
    expect(objectsOf(profile).flatMap((object) => schemaProblems(object))).toEqual([]);
  });

  it('accepts every object for random valid settings, Secret and optional objects included', () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const objects = synthObjects(settings, settings.values.secret.values);
        expect(objects.flatMap((object) => schemaProblems(object))).toEqual([]);
        // A user's affinity replaces the chart's, its spreading of replicas over nodes included (README).
        const ownAffinity = COMPONENTS.filter((component) => Object.keys(settings.values[component].affinity).length > 0);
        const spreadByTheUser = (violation: string) => ownAffinity.some((component) => violation.startsWith(`anti-affinity-when-replicated: Deployment/`) && violation.includes(`-${component}: `));
        expect(policyViolations(objects).filter((violation) => !spreadByTheUser(violation))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses an unknown field, a wrong type and a bad enum value', () => {
    const deployment = structuredClone(objectsOf('minikube').find((object) => object.kind === 'Deployment')) as any;
    deployment.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    deployment.spec.replicas = 'two';
    deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    deployment.metadata.label = {};
    // The type model's own spelling of a field the API spells otherwise.
    deployment.spec.template.spec.hostIpc = false;
    expect(schemaProblems(deployment)).toEqual([
      'Deployment/todo-chatbot-backend: spec.replicas: must be integer',
      'Deployment/todo-chatbot-backend: spec.template.spec.containers.0.imagePullPolicy: must be equal to one of the allowed values',
      'Deployment/todo-chatbot-backend: metadata.label: unknown field',
      'Deployment/todo-chatbot-backend: spec.replicas: expected number, got string',
      'Deployment/todo-chatbot-backend: spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field',
      'Deployment/todo-chatbot-backend: spec.template.spec.hostIpc: unknown field',
    ]);
  });

  it('takes the fields the API spells with an acronym (downwardAPI, hostIPC, clusterIP), which its type model spells as words', () => {
    const objects = structuredClone(objectsOf('minikube')) as any[];
    const deployment = objects.find((object) => object.kind === 'Deployment');
    const service = objects.find((object) => object.kind === 'Service');
    deployment.spec.template.spec.hostIPC = false;
    deployment.spec.template.spec.volumes = [{ name: 'pod-info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }];
    service.spec.clusterIP = 'None';
    expect([deployment, service].flatMap((object) => schemaProblems(object))).toEqual([]);
  });
});

/** For each rule, a change to valid cloud output that must make that rule (and only rules) fail. */
const breakages: Record<string, (objects: any[]) => void> = {
  'pod-security-restricted': (objects) => (container(objects).securityContext.seccompProfile = { type: 'Unconfined' }),
  'no-privileged-or-host-namespaces': (objects) => (pod(objects).hostNetwork = true),
  'resources-set': (objects) => delete container(objects).resources.limits.memory,
  'no-latest-tag': (objects) => (container(objects).image = 'ghcr.io/example/todo-chatbot-backend:latest'),
  'read-only-root-filesystem': (objects) => (container(objects).securityContext.readOnlyRootFilesystem = false),
  'service-account-token-not-mounted': (objects) => delete pod(objects).automountServiceAccountToken,
  'probes-set-and-distinct': (objects) => (container(objects).livenessProbe = container(objects).readinessProbe),
  'container-ports-named': (objects) => delete container(objects).ports[0].name,
  'anti-affinity-when-replicated': (objects) => delete pod(objects).affinity,
  'no-secret-in-env': (objects) => container(objects).env.push({ name: 'STRIPE_API_KEY', value: 'sk_live_x' }),
  'selector-matches-labels': (objects) => (deployment(objects).spec.selector.matchLabels['app.kubernetes.io/component'] = 'api'),
  'service-targets-pods': (objects) => (objects.find((o) => o.kind === 'Service').spec.ports[0].targetPort = 'web'),
  'valid-names-and-labels': (objects) => (deployment(objects).metadata.labels['app.kubernetes.io/version'] = 'v1 beta'),
  'network-policies-select-pods': (objects) => (objects.find((o) => o.kind === 'NetworkPolicy' && o.spec.ingress?.[0]?.from).spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'] = 'gone'),
  'disruption-budget-evicts-unhealthy-pods': (objects) => delete objects.find((o) => o.kind === 'PodDisruptionBudget').spec.unhealthyPodEvictionPolicy,
};
const deployment = (objects: any[]) => objects.find((object) => object.kind === 'Deployment');
const pod = (objects: any[]) => deployment(objects).spec.template.spec;
const container = (objects: any[]) => pod(objects).containers[0];

describe('policy rules (docs/policy.md)', () => {
  it('has a breaking example for every rule', () => {
    expect(Object.keys(breakages).sort()).toEqual(POLICY_RULES.map((rule) => rule.id).sort());
  });

  it.each(PROFILE_NAMES)('the %s profile passes every rule', (profile) => {
    expect(policyViolations(objectsOf(profile))).toEqual([]);
  });

  it.each(Object.entries(breakages))('%s can fail', (id, breakIt) => {
    const objects = structuredClone(objectsOf('cloud'));
    breakIt(objects);
    const violations = policyViolations(objects);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.some((violation) => violation.startsWith(`${id}: `))).toBe(true);
  });
});

describe('npm run validate', () => {
  it('passes on a fresh dist/ and fails on a broken one', () => {
    const dir = scratchFolder('validate');
    for (const [name, file] of rawFiles(loadSettings({ profile: 'cloud' }))) writeFileSync(join(dir, name), file.content);
    expect(validateFiles([dir])).toEqual({ objects: 15, problems: [] });
    writeFileSync(join(dir, '30-extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\ndata: {}\nbogus: 1\n');
    expect(validateFiles([dir]).problems).toEqual(['ConfigMap/Bad_Name: bogus: unknown field', 'valid-names-and-labels: ConfigMap/Bad_Name: invalid name']);
    expect(validateFiles([join(dir, 'nope')]).problems).toEqual([`${join(dir, 'nope')}: no such file or folder (run npm run synth first)`]);
  });
});

describe('environment names the model sets (src/config/environment.ts)', () => {
  it.each(COMPONENTS)('every variable the %s container gets from the model is refused as an extraEnv name, and nothing else the model sets is missed', (component) => {
    const settings = loadSettings({ profile: 'cloud' });
    const deployment = (synthObjects(settings, { databaseUrl: 'a', openaiApiKey: 'b', betterAuthSecret: 'c' }) as any[]).find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(component));
    const container = deployment.spec.template.spec.containers[0];
    const configMap = (synthObjects(settings) as any[]).find((o) => o.kind === 'ConfigMap');
    const setByModel = [...container.env.map((env: { name: string }) => env.name), ...Object.keys(configMap.data)].sort();
    expect([...reservedEnv(component)].sort()).toEqual(setByModel);
    for (const name of setByModel) {
      const values = structuredClone(settings.values);
      values[component].extraEnv = [{ name, value: 'x' }];
      expect(() => validateValues(values)).toThrow(`${component}.extraEnv[0].name: expected a name other than`);
    }
  });
});
