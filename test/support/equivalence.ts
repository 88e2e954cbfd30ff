import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Settings } from '../../src/config/load';
import { SecretValues } from '../../src/constructs/secret';
import { synthObjects } from '../../src/outputs/raw';
import { Helm, helmOrThrow } from './helm';
import { parseManifests } from './kube';
import { scratchFolder } from './scratch';
import type { KubeObject } from '../../src/model/k8s';

/**
 * The only differences allowed between the raw synth and `helm template` of the same settings.
 * Each is asserted on its own in the Helm tests; everything else must be equal as parsed data.
 */
export const ALLOWED_DIFFERENCES = {
  /** Raw output creates the Namespace; Helm installs into `.Release.Namespace` (`--create-namespace`). */
  namespaceObject: 'Namespace',
  /** The chart's wiring for `helm test` pods (their NetworkPolicies), labelled with this component; the raw output has no test pods. */
  helmTestComponent: 'test',
  /** Helm's own label, naming the chart and its version. */
  chartLabel: 'helm.sh/chart',
  /** Who applies the objects: "kubectl" in the raw output, "Helm" in the chart. */
  managedByLabel: 'app.kubernetes.io/managed-by',
  /** Raw: a hash of the ConfigMap data; Helm: a hash of the rendered ConfigMap template. */
  checksumAnnotation: 'checksum/config',
} as const;

function withoutAllowedDifferences(manifest: KubeObject): KubeObject {
  const copy = structuredClone(manifest);
  for (const meta of [copy.metadata, copy.spec?.template?.metadata]) {
    if (!meta) continue;
    delete meta.labels?.[ALLOWED_DIFFERENCES.chartLabel];
    delete meta.labels?.[ALLOWED_DIFFERENCES.managedByLabel];
    delete meta.annotations?.[ALLOWED_DIFFERENCES.checksumAnnotation];
    if (meta.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  return copy;
}

const byKindAndName = (a: KubeObject, b: KubeObject) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);

/** Both outputs, normalized for comparison: the allowed differences removed, objects sorted. */
export function comparable(manifests: readonly KubeObject[]): KubeObject[] {
  return manifests
    .filter((manifest) => manifest.kind !== ALLOWED_DIFFERENCES.namespaceObject)
    .filter((manifest) => manifest.metadata.labels?.['app.kubernetes.io/component'] !== ALLOWED_DIFFERENCES.helmTestComponent)
    .map(withoutAllowedDifferences)
    .sort(byKindAndName);
}

const scratch = scratchFolder('values');
let counter = 0;

/**
 * A values file holding `values` (JSON is YAML), as a user would pass with `-f`. It ends with a line
 * break: Helm 4 reads one with none as empty when its size is a multiple of 4096 bytes (the synth
 * refuses such a file), which one equivalence run in a few hundred wrote.
 */
export function valuesFile(values: unknown): string {
  const path = join(scratch, `values-${process.pid}-${counter++}.json`);
  writeFileSync(path, `${JSON.stringify(values)}\n`);
  return path;
}

/** `helm template RELEASE CHART -n NAMESPACE -f values`: the chart's output for these settings. */
export function helmTemplate(helm: Helm, chart: string, settings: Settings, extraArgs: readonly string[] = []): KubeObject[] {
  const args = ['template', settings.release.name, chart, '-n', settings.release.namespace, '-f', valuesFile(settings.values), ...extraArgs];
  return parseManifests(helmOrThrow(helm, args));
}

/** The raw synth's output for the same settings, with the Secret values the chart reads from values. */
export function rawTemplate(settings: Settings): KubeObject[] {
  const secretValues: SecretValues = settings.values.secret.values;
  return synthObjects(settings, secretValues);
}
