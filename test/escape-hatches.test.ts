import fc from 'fast-check';
import { CONFIG_CHECKSUM_ANNOTATION } from '../src/config/metadata';
import { VOLUME_TYPES } from '../src/config/kube-types';
import { COMPONENTS, Values } from '../src/config/schema';
import type { Settings } from '../src/config/load';
import type { KubeObject } from '../src/model/k8s';
import { synthObjects } from '../src/outputs/raw';
import { settingsArbitrary } from './support/arbitraries';

/*
 * The escape hatches (commonLabels, commonAnnotations, and per component podLabels, podAnnotations,
 * nodeSelector, tolerations, affinity, extraVolumes, extraVolumeMounts, priorityClassName,
 * serviceAccount.annotations; frontend.ingress.annotations)
 * judged against the same settings without them: each adds exactly what it says where it says, and
 * nothing else changes. The helm suites show the chart writes the same as the raw synth.
 */

const RUNS = 100;

/** The same settings with every escape hatch empty. */
function withoutEscapeHatches(values: Values): Values {
  const plain = structuredClone(values);
  plain.commonLabels = {};
  plain.commonAnnotations = {};
  for (const component of COMPONENTS) {
    Object.assign(plain[component], { podLabels: {}, podAnnotations: {}, nodeSelector: {}, tolerations: [], affinity: {}, extraVolumes: [], extraVolumeMounts: [], priorityClassName: '', serviceAccount: { annotations: {} } });
  }
  plain.frontend.ingress.annotations = {};
  return plain;
}

const objects = (settings: Settings, values: Values) => synthObjects({ ...settings, values }, values.secret.values);

/** What selects pods or objects, wherever it is in an object (a Deployment's, a policy's, a spread constraint's). */
const SELECTOR_KEYS = new Set(['selector', 'podSelector', 'labelSelector', 'namespaceSelector']);

/** The selectors the chart writes; a pod's affinity may be the user's own, and is judged on its own. */
function selectors(node: unknown, path = ''): [string, unknown][] {
  if (typeof node !== 'object' || node === null || path.endsWith('.spec.affinity')) return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(SELECTOR_KEYS.has(key) ? [[`${path}.${key}`, value] as [string, unknown]] : []),
    ...selectors(value, `${path}.${key}`),
  ]);
}

const id = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;

/** The component a pod template belongs to, by its component label. */
const componentOf = (object: KubeObject) => object.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] as keyof Values & ('backend' | 'frontend');

/** The annotations setting of an object's own, besides commonAnnotations. */
function ownAnnotations(object: KubeObject, values: Values): Record<string, string> {
  if (object.kind === 'Ingress') return values.frontend.ingress.annotations;
  const component = COMPONENTS.find((name) => object.kind === 'ServiceAccount' && object.metadata.name.endsWith(`-${name}`));
  return component ? values[component].serviceAccount.annotations : {};
}

describe('escape hatches, against the same settings without them (fast-check)', () => {
  it('add the labels and annotations they name to every object and pod template, change no selector, set the scheduling fields as given (a user\'s affinity replaces ours) and add volumes and mounts after the chart\'s', () => {
    let [affinitySet, mounted] = [false, false];
    const volumeTypes = new Set<string>();
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const { values } = settings;
        affinitySet ||= COMPONENTS.some((component) => Object.keys(values[component].affinity).length > 0);
        mounted ||= COMPONENTS.some((component) => values[component].extraVolumeMounts.length > 0);
        for (const component of COMPONENTS) for (const volume of values[component].extraVolumes) for (const type of VOLUME_TYPES) if (type in volume) volumeTypes.add(type);
        const plain = new Map(objects(settings, withoutEscapeHatches(values)).map((object) => [id(object), object]));
        const rendered = objects(settings, values);
        expect(rendered.map(id)).toEqual([...plain.keys()]);
        for (const object of rendered) {
          const before = plain.get(id(object)) as KubeObject;
          expect({ id: id(object), selectors: selectors(object) }).toEqual({ id: id(object), selectors: selectors(before) });
          expect({ id: id(object), labels: object.metadata.labels }).toEqual({ id: id(object), labels: { ...before.metadata.labels, ...values.commonLabels } });
          const annotations = { ...before.metadata.annotations, ...values.commonAnnotations, ...ownAnnotations(object, values) };
          expect({ id: id(object), annotations: object.metadata.annotations ?? {} }).toEqual({ id: id(object), annotations });
          const template = object.spec?.template;
          if (!template) continue;
          const component = componentOf(object);
          const settingsOf = values[component];
          const { podLabels, podAnnotations, nodeSelector, tolerations, affinity, extraVolumes, extraVolumeMounts, priorityClassName } = settingsOf;
          expect(template.metadata.labels).toEqual({ ...before.spec.template.metadata.labels, ...values.commonLabels, ...podLabels });
          // The checksum is of the whole ConfigMap, its labels and annotations too: compared apart from it.
          const { [CONFIG_CHECKSUM_ANNOTATION]: checksum, ...shownAnnotations } = template.metadata.annotations;
          expect(checksum).toMatch(/^[0-9a-f]{64}$/);
          expect(shownAnnotations).toEqual(podAnnotations);
          const { nodeSelector: shownSelector, tolerations: shownTolerations, affinity: shownAffinity, priorityClassName: shownClass, volumes, containers: [container], ...rest } = template.spec;
          const { affinity: ours, volumes: ourVolumes, containers: [ourContainer], ...restBefore } = before.spec.template.spec;
          expect(rest).toEqual(restBefore);
          // Extra volumes and mounts come after the chart's own.
          expect(volumes).toEqual([...ourVolumes, ...extraVolumes]);
          expect(container).toEqual({ ...ourContainer, volumeMounts: [...ourContainer.volumeMounts, ...extraVolumeMounts] });
          expect({ nodeSelector: shownSelector ?? {}, tolerations: shownTolerations ?? [], priorityClassName: shownClass ?? '' }).toEqual({ nodeSelector, tolerations, priorityClassName });
          // The user's affinity replaces ours whole.
          expect(shownAffinity).toEqual(Object.keys(affinity).length > 0 ? affinity : ours);
        }
      }),
      { numRuns: RUNS },
    );
    // Each kind of escape hatch was drawn at least once, and each volume type the chart takes.
    expect({ affinitySet, mounted, volumeTypes: [...volumeTypes].sort() }).toEqual({ affinitySet: true, mounted: true, volumeTypes: [...VOLUME_TYPES].sort() });
  });
});
