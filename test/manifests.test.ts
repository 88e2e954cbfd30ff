import { stringify } from 'yaml';
import { loadSettings } from '../src/config/load';
import { synthObjects } from '../src/outputs/raw';
import { find, podTemplates } from './support/kube';
import { invariantViolations } from './support/invariants';
import type { KubeObject } from '../src/model/k8s';

const profiles = ['minikube', 'cloud'] as const;

describe.each(profiles)('raw manifests, %s profile', (profile) => {
  const settings = loadSettings({ profile });
  const manifests = synthObjects(settings);

  it('matches the snapshot', () => {
    expect(manifests.map((manifest) => stringify(manifest)).join('---\n')).toMatchSnapshot();
  });

  it('meets every invariant', () => {
    expect(invariantViolations(manifests, settings)).toEqual([]);
  });

  it('creates the Namespace first, with Pod Security "restricted" enforced, audited and warned', () => {
    expect(manifests[0].kind).toBe('Namespace');
    expect(manifests[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  it('uses stable readable names, never hashed', () => {
    const names = manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`).sort();
    const cloudOnly = [
      'HorizontalPodAutoscaler/todo-chatbot-backend',
      'HorizontalPodAutoscaler/todo-chatbot-frontend',
      'PodDisruptionBudget/todo-chatbot-backend',
      'PodDisruptionBudget/todo-chatbot-frontend',
    ];
    expect(names.filter((name) => !cloudOnly.includes(name))).toEqual([
      'ConfigMap/todo-chatbot-config',
      'Deployment/todo-chatbot-backend',
      'Deployment/todo-chatbot-frontend',
      'Namespace/todo-chatbot',
      'NetworkPolicy/todo-chatbot-backend',
      'NetworkPolicy/todo-chatbot-default-deny',
      'NetworkPolicy/todo-chatbot-frontend',
      'Service/todo-chatbot-backend',
      'Service/todo-chatbot-frontend',
      'ServiceAccount/todo-chatbot-backend',
      'ServiceAccount/todo-chatbot-frontend',
    ]);
    expect(names.filter((name) => cloudOnly.includes(name))).toEqual(profile === 'cloud' ? cloudOnly : []);
  });

  it('exposes the frontend through a LoadBalancer and keeps the backend ClusterIP (AD-3)', () => {
    expect(find(manifests, 'Service', 'todo-chatbot-frontend').spec.type).toBe('LoadBalancer');
    expect(find(manifests, 'Service', 'todo-chatbot-backend').spec.type).toBe('ClusterIP');
    expect(find(manifests, 'Service', 'todo-chatbot-backend').spec.ports[0]).toEqual({ name: 'http', port: 8000, protocol: 'TCP', targetPort: 'http' });
  });

  it('locks down every pod: non-root, no escalation, no capabilities, seccomp, read-only root with writable emptyDirs', () => {
    for (const { spec } of podTemplates(manifests)) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      const [container] = spec.containers;
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const mounts = container.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath);
      expect(mounts).toContain('/tmp');
      for (const mount of container.volumeMounts) {
        expect(spec.volumes).toContainEqual({ name: mount.name, emptyDir: {} });
      }
    }
    const frontend = find(manifests, 'Deployment', 'todo-chatbot-frontend').spec.template.spec.containers[0];
    expect(frontend.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath)).toContain('/app/.next/cache');
  });

  it('probes /health on the backend and / on the frontend through the named port (R2)', () => {
    const probes = (name: string) => {
      const container = find(manifests, 'Deployment', name).spec.template.spec.containers[0];
      return [container.startupProbe, container.readinessProbe, container.livenessProbe];
    };
    for (const probe of probes('todo-chatbot-backend')) expect(probe.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    for (const probe of probes('todo-chatbot-frontend')) expect(probe.httpGet).toEqual({ path: '/', port: 'http', scheme: 'HTTP' });
    const [, readiness, liveness] = probes('todo-chatbot-backend');
    expect(liveness.periodSeconds).not.toBe(readiness.periodSeconds);
  });

  it('points the frontend at the backend Service (R6) and rolls pods when the config changes', () => {
    expect(find(manifests, 'ConfigMap', 'todo-chatbot-config').data?.BACKEND_URL).toBe('http://todo-chatbot-backend.todo-chatbot.svc.cluster.local:8000');
    const changed = synthObjects({ ...settings, values: { ...settings.values, config: { ...settings.values.config, logLevel: 'debug' } } });
    const checksum = (objects: KubeObject[]) => find(objects, 'Deployment', 'todo-chatbot-backend').spec.template.metadata.annotations['checksum/config'];
    expect(checksum(manifests)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(changed)).not.toBe(checksum(manifests));
  });

  it('writes no Secret and no secret value by default (AD-5)', () => {
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
    const frontendEnv = find(manifests, 'Deployment', 'todo-chatbot-frontend').spec.template.spec.containers[0].env.map((env: { name: string }) => env.name);
    expect(frontendEnv).not.toContain('DATABASE_URL');
    expect(frontendEnv).not.toContain('OPENAI_API_KEY');
  });
});

describe('profiles', () => {
  it('minikube never pulls (AD-4); cloud pulls pinned tags IfNotPresent, 2 to 5 replicas as its HorizontalPodAutoscaler decides', () => {
    const pods = (profile: string) =>
      (synthObjects(loadSettings({ profile }))).filter((manifest) => manifest.kind === 'Deployment');
    for (const deployment of pods('minikube')) expect(deployment.spec.template.spec.containers[0].imagePullPolicy).toBe('Never');
    for (const deployment of pods('cloud')) {
      const container = deployment.spec.template.spec.containers[0];
      expect(container.imagePullPolicy).toBe('IfNotPresent');
      expect(container.image).toMatch(/:\d+\.\d+\.\d+$/);
      // The autoscaler owns the count: a replicas field would be reset by every apply.
      expect(deployment.spec.replicas).toBeUndefined();
      const autoscaler = (synthObjects(loadSettings({ profile: 'cloud' }))).find((m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === deployment.metadata.name);
      expect(autoscaler?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    }
  });

  it('makes NodePort one setting away', () => {
    const base = loadSettings();
    const values = { ...base.values, frontend: { ...base.values.frontend, service: { ...base.values.frontend.service, type: 'NodePort' as const, nodePort: 30080 } } };
    const service = find(synthObjects({ ...base, values }), 'Service', 'todo-chatbot-frontend');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports[0].nodePort).toBe(30080);
  });
});
