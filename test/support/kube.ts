import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/model/k8s';

export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((manifest): manifest is KubeObject => manifest !== null);
}

export function find(manifests: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

export function podTemplates(manifests: readonly KubeObject[]): { owner: string; spec: any; labels: Record<string, string> }[] {
  return manifests.flatMap((manifest) => {
    if (manifest.kind === 'Pod') return [{ owner: `Pod/${manifest.metadata.name}`, spec: manifest.spec, labels: manifest.metadata.labels ?? {} }];
    const template = manifest.spec?.template;
    return template ? [{ owner: `${manifest.kind}/${manifest.metadata.name}`, spec: template.spec, labels: template.metadata?.labels ?? {} }] : [];
  });
}
