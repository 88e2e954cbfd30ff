import fc from 'fast-check';
import { ConfigError } from '../../src/config/errors';
import { loadSettings, Settings, validateValues } from '../../src/config/load';
import { CROSS_FIELD_RULES } from '../../src/config/rules';
import { synthObjects } from '../../src/outputs/raw';
import { yamlStream } from '../../src/outputs/yaml';
import { settingsArbitrary } from '../support/arbitraries';
import { valuesFile } from '../support/equivalence';
import { fieldsNamed, sameField } from '../support/invalid-arbitraries';
import { changesOfAnotherApply, HELMS, helm, installKagentCrd, kubectl, Run, synthCommand, uninstallKagentCrd } from './support/commands';

/** Random valid settings applied with --dry-run=server (SWEEP_RUNS=500 for a longer hunt). */
const SWEEP_RUNS = Number(process.env.SWEEP_RUNS ?? 50);
/** Random valid settings applied for real, twice (IDEMPOTENCE_RUNS=100 for a longer hunt). */
const IDEMPOTENCE_RUNS = Number(process.env.IDEMPOTENCE_RUNS ?? 10);

type Named = { kind: string; metadata: { name: string; namespace?: string } };

/**
 * Creates the namespaces the objects need for real (a dry run creates nothing): the raw output's own
 * Namespace as written, and any other an object lives in (kagent's, for the Agent) as a bare one. Then
 * dry-runs everything else.
 */
function serverDryRun(objects: readonly object[], createdNamespaces: Set<string>): Run {
  const own = (objects as Named[]).filter((object) => object.kind === 'Namespace');
  const others = (objects as Named[]).flatMap((object) => object.metadata.namespace ?? []).filter((name) => !own.some((namespace) => namespace.metadata.name === name));
  const namespaces = [...own, ...others.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))];
  for (const namespace of namespaces) {
    if (createdNamespaces.has(namespace.metadata.name)) continue;
    const created = kubectl(['apply', '-f', '-'], yamlStream([namespace]));
    if (created.status !== 0) return created;
    createdNamespaces.add(namespace.metadata.name);
  }
  return kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], yamlStream((objects as Named[]).filter((object) => object.kind !== 'Namespace')));
}

/** The synth's lines for settings it refuses; none for settings it takes. */
function synthRefusal(settings: Settings): readonly string[] {
  try {
    validateValues(settings.values);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

function withValues(change: (values: Settings['values']) => void): Settings {
  const settings = loadSettings();
  const values = structuredClone(settings.values);
  change(values);
  return { ...settings, values };
}

describe(`server-side validation on Kubernetes ${process.env.CLUSTER_VERSION}`, () => {
  const createdNamespaces = new Set<string>();
  const { tgz } = synthCommand();
  // Random settings turn the kagent Agent on about half the time: its CRD must be there to judge it.
  beforeAll(() => installKagentCrd());
  afterAll(() => {
    const ours = [...createdNamespaces].filter((name) => !['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name));
    // Waited for: the next scenario file uses README's namespace, which the refusal cases create too.
    if (ours.length > 0) kubectl(['delete', 'namespace', ...ours, '--wait=true', '--timeout=300s']);
    uninstallKagentCrd();
  });

  it(`accepts the raw objects of ${SWEEP_RUNS} random valid settings (--dry-run=server --validate=strict): no refusal, no warning`, () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const result = serverDryRun(synthObjects(settings, settings.values.secret.values), createdNamespaces);
        expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      }),
      // Every run costs API calls: report the first failure as generated instead of shrinking it.
      { numRuns: SWEEP_RUNS, endOnFailure: true },
    );
  });

  it(`applies the raw objects of ${IDEMPOTENCE_RUNS} random valid settings for real, and a second kubectl apply reports every object unchanged`, () => {
    // Few pods suffice: what makes an apply report "configured" is a field the API server stores otherwise.
    const fewPods = settingsArbitrary.map((settings) => {
      const values = structuredClone(settings.values);
      for (const component of ['backend', 'frontend'] as const) values[component].replicas = Math.min(values[component].replicas, 2);
      return { ...settings, values };
    });
    fc.assert(
      fc.property(fewPods, (settings) => {
        const objects = synthObjects(settings, settings.values.secret.values);
        expect(serverDryRun(objects, createdNamespaces)).toMatchObject({ status: 0 });
        const manifests = yamlStream(objects.filter((object) => object.kind !== 'Namespace'));
        expect(kubectl(['apply', '-f', '-'], manifests)).toMatchObject({ status: 0, stderr: '' });
        expect(changesOfAnotherApply(['-f', '-'], manifests)).toEqual([]);
        kubectl(['delete', '-f', '-', '--wait=false'], manifests);
      }),
      { numRuns: IDEMPOTENCE_RUNS, endOnFailure: true },
    );
  });

  /**
   * Settings the schema lets through but the API server refuses. Each must be refused first by the synth
   * and by the chart, with the same line; the API server's own refusal is checked too, so the list
   * stays honest as Kubernetes changes.
   */
  const REFUSED_BY_THE_API_SERVER: [string, (values: Settings['values']) => void, RegExp][] = [
    ['a memory request above its limit', (values) => { values.backend.resources.requests.memory = '1Gi'; values.backend.resources.limits.memory = '512Mi'; }, /must be less than or equal to memory limit/],
    ['a CPU request above its limit', (values) => { values.frontend.resources.requests.cpu = '2'; values.frontend.resources.limits.cpu = '500m'; }, /must be less than or equal to cpu limit/],
    ['more minimum than maximum autoscaled replicas', (values) => { values.frontend.autoscaling = { ...values.frontend.autoscaling, enabled: true, minReplicas: 6, maxReplicas: 3 }; }, /maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`/],
    ['an IP address as Ingress host', (values) => { values.frontend.ingress = { ...values.frontend.ingress, enabled: true, host: '10.0.0.1' }; }, /must be a DNS name, not an IP address/],
    ['an Ingress path with "//"', (values) => { values.frontend.ingress = { ...values.frontend.ingress, enabled: true, path: '/app//v1' }; }, /paths\[0\]\.path: Invalid value: "\/app\/\/v1": must not contain '\/\/'/],
    ['an Ingress path ending in "/.."', (values) => { values.frontend.ingress = { ...values.frontend.ingress, enabled: true, path: '/app/..' }; }, /(cannot|must not) end with '\/\.\.'/],
    ['the Next.js cache on the tmp volume (two mounts on one path)', (values) => { values.frontend.nextCachePath = '/tmp'; }, /mountPath: Invalid value: "\/tmp": must be unique/],
    ['a pod label that replaces the component label the selector matches', (values) => { values.backend.podLabels = { 'app.kubernetes.io/component': 'other' }; }, /`selector` does not match template `labels`/],
    ['a volume of two types', (values) => { values.backend.extraVolumes = [{ name: 'ca', configMap: { name: 'ca' }, emptyDir: {} }]; }, /may not specify more than 1 volume type/],
    ['a volume named as the chart\'s own', (values) => { values.frontend.extraVolumes = [{ name: 'tmp', configMap: { name: 'ca' } }]; }, /volumes\[\d\]\.name: Duplicate value: "tmp"/],
    ['a mount of no volume of the pod', (values) => { values.backend.extraVolumeMounts = [{ name: 'missing', mountPath: '/etc/missing' }]; }, /volumeMounts\[\d\]\.name: Not found: "missing"/],
    ['two mounts on one path', (values) => {
      values.backend.extraVolumes = [{ name: 'ca', configMap: { name: 'ca' } }];
      values.backend.extraVolumeMounts = [{ name: 'ca', mountPath: '/etc/ca' }, { name: 'ca', mountPath: '/etc/ca' }];
    }, /mountPath: Invalid value: "\/etc\/ca": must be unique/],
  ];

  const minor = Number(/^v1\.(\d+)\./.exec(process.env.CLUSTER_VERSION ?? '')?.[1]);

  /**
   * Pod templates the API server takes with a warning that they would not run as meant: Pod Security
   * admission's (on a Deployment it only warns; it refuses the pods), and the API server's own from the
   * Kubernetes minor given on (a volume's items on overlapping paths: pkg/api/pod/warnings.go, added by
   * kubernetes#121968 for 1.30 as far as we know; of the pinned releases 1.37 warns and 1.28 does not).
   * The synth and the chart refuse them first, with one line, the same from both.
   */
  const WARNED_OF_BY_THE_API_SERVER: [string, (values: Settings['values']) => void, RegExp, number][] = [
    ['a hostPath volume', (values) => { values.backend.extraVolumes = [{ name: 'host', hostPath: { path: '/etc' } } as never]; }, /would violate PodSecurity "restricted:latest": restricted volume types \(volume "host" uses restricted volume type "hostPath"\)/, 0],
    ...CROSS_FIELD_RULES.flatMap((rule) => (rule.kind === 'separatePaths' ? Object.entries(rule.breaks) : [])).map(
      ([name, breaks]): [string, (values: Settings['values']) => void, RegExp, number] => [name, (values) => void breaks(values), /Warning: volume "[^"]+" \([^)]*\): overlapping paths: /, 30],
    ),
  ];

  describe.each(WARNED_OF_BY_THE_API_SERVER)('%s', (_name, change, warning, since) => {
    const settings = withValues(change);
    const synthLines = synthRefusal(settings);

    (minor >= since ? it : it.skip)(`makes the API server warn${since > 0 ? ` (from Kubernetes 1.${since} on)` : ''}`, () => {
      const result = serverDryRun(synthObjects(settings), createdNamespaces);
      expect(result.stderr).toMatch(warning);
    });

    it.each(HELMS.map((which) => [which.major, which] as const))('is refused by the synth and the chart with one line, the same (helm v%i)', (_major, which) => {
      expect(synthLines).toHaveLength(1);
      const rendered = helm(which, ['template', 'todo-chatbot', tgz, '-f', valuesFile(settings.values)]);
      expect(rendered.status).not.toBe(0);
      expect(rendered.stderr).toContain(synthLines[0]);
    });
  });

  describe('a downwardAPI item without fieldRef.apiVersion', () => {
    const settings = withValues((values) => {
      values.backend.extraVolumes = [{ name: 'pod-info', downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } }];
    });
    const withoutApiVersion = withValues((values) => {
      values.backend.extraVolumes = [{ name: 'pod-info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } as never }] } }];
    });
    /** The objects applied for real, then a second time: what the second apply changes. */
    const changesOfTheSecondApply = (objects: readonly object[]) => {
      expect(serverDryRun(objects, createdNamespaces)).toMatchObject({ status: 0 });
      const manifests = yamlStream(objects.filter((object) => (object as Named).kind !== 'Namespace'));
      expect(kubectl(['apply', '-f', '-'], manifests)).toMatchObject({ status: 0 });
      const changes = changesOfAnotherApply(['-f', '-'], manifests);
      kubectl(['delete', '-f', '-', '--wait=true'], manifests);
      return changes;
    };

    it('would make every later kubectl apply change the Deployment, since the API server fills it in inside a list apply replaces whole; with it, nothing changes', () => {
      const objects = synthObjects(settings);
      const stripped = structuredClone(objects) as any[];
      for (const volume of stripped.find((object) => object.kind === 'Deployment' && object.metadata.name.endsWith('-backend')).spec.template.spec.volumes) {
        for (const item of volume.downwardAPI?.items ?? []) delete item.fieldRef.apiVersion;
      }
      expect(changesOfTheSecondApply(stripped).join('\n')).toMatch(/deployment\.apps\/\S+-backend configured/);
      expect(changesOfTheSecondApply(objects)).toEqual([]);
    });

    it.each(HELMS.map((which) => [which.major, which] as const))('is refused by the synth and by the chart, both naming the field (helm v%i)', (_major, which) => {
      const field = 'backend.extraVolumes[0].downwardAPI.items[0].fieldRef.apiVersion';
      expect(synthRefusal(withoutApiVersion)).toEqual([`${field}: expected "v1", got nothing`]);
      const rendered = helm(which, ['template', 'todo-chatbot', tgz, '-f', valuesFile(withoutApiVersion.values)]);
      expect(rendered.status).not.toBe(0);
      expect({ stderr: rendered.stderr, named: fieldsNamed(rendered.stderr).some((named) => sameField(named, field)) }).toMatchObject({ named: true });
    });
  });

  /**
   * Settings the API server refuses that the schema already refuses: the chart refuses them through
   * `values.schema.json` (Helm's own words, naming the field), the synth with its line.
   */
  const REFUSED_BY_THE_SCHEMA_TOO: [string, (values: Settings['values']) => void, RegExp][] = [
    ['a toleration of a value with operator Exists', (values) => { values.backend.tolerations = [{ key: 'dedicated', operator: 'Exists', value: 'x' } as never]; }, /value must be empty when `operator` is 'Exists'/],
    ['a toleration with no key and operator Equal', (values) => { values.backend.tolerations = [{ operator: 'Equal', value: 'x' } as never]; }, /operator must be Exists when `key` is empty/],
    ['tolerationSeconds with an effect other than NoExecute', (values) => { values.frontend.tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 } as never]; }, /effect must be 'NoExecute' when `tolerationSeconds` is set/],
    ['a node selector value longer than a label value', (values) => { values.frontend.nodeSelector = { zone: 'z'.repeat(64) }; }, /must be no more than 63 (characters|bytes)/],
    ['an annotation key with a space', (values) => { values.commonAnnotations = { 'not a key': 'x' }; }, /metadata\.annotations: Invalid value: "not a key"/],
    ['a label key with two slashes', (values) => { values.commonLabels = { 'a/b/c': 'x' }; }, /metadata\.labels: Invalid value: "a\/b\/c"/],
  ];

  describe.each(REFUSED_BY_THE_SCHEMA_TOO)('%s', (_name, change, apiMessage) => {
    const settings = withValues(change);
    const synthLines = synthRefusal(settings);

    it('is refused by the API server', () => {
      const result = serverDryRun(synthObjects(settings), createdNamespaces);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(apiMessage);
    });

    it.each(HELMS.map((which) => [which.major, which] as const))('is refused by the synth and by the chart, both naming the field (helm v%i)', (_major, which) => {
      expect(synthLines).toHaveLength(1);
      const field = synthLines[0].split(': ')[0];
      const rendered = helm(which, ['template', 'todo-chatbot', tgz, '-f', valuesFile(settings.values)]);
      expect(rendered.status).not.toBe(0);
      // Helm 4 names a key its schema refuses by the key alone, at the root: "at '': invalid propertyName 'a/b/c'".
      const badKey = /\["([^"]*)"\]$/.exec(field)?.[1];
      const namesTheKey = badKey !== undefined && rendered.stderr.includes(`invalid propertyName '${badKey}'`);
      expect({ stderr: rendered.stderr, named: namesTheKey || fieldsNamed(rendered.stderr).some((named) => sameField(named, field)) }).toMatchObject({ named: true });
    });
  });

  describe.each(REFUSED_BY_THE_API_SERVER)('%s', (_name, change, apiMessage) => {
    const settings = withValues(change);
    const [synthLine = ''] = synthRefusal(settings);

    it('is refused by the API server', () => {
      const result = serverDryRun(synthObjects(settings), createdNamespaces);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(apiMessage);
    });

    it('is refused by the synth first, with one line naming the field', () => {
      expect(synthLine).toMatch(/^(backend|frontend)\.[\w.[\]"/-]+: expected /);
    });

    it.each(HELMS.map((which) => [which.major, which] as const))('is refused by the chart with the synth\'s line (helm v%i)', (_major, which) => {
      expect(synthLine).not.toBe('');
      const rendered = helm(which, ['template', 'todo-chatbot', tgz, '-f', valuesFile(settings.values)]);
      expect(rendered.status).not.toBe(0);
      expect(rendered.stderr).toContain(synthLine);
    });
  });
});
