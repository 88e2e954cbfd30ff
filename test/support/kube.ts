import { parseAllDocuments } from 'yaml';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
} & Record<string, any>;

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

export function find(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

export function podTemplates(manifests: readonly Manifest[]): { owner: string; spec: any; labels: Record<string, string> }[] {
  return manifests.flatMap((manifest) => {
    if (manifest.kind === 'Pod') return [{ owner: `Pod/${manifest.metadata.name}`, spec: manifest.spec, labels: manifest.metadata.labels ?? {} }];
    const template = manifest.spec?.template;
    return template ? [{ owner: `${manifest.kind}/${manifest.metadata.name}`, spec: template.spec, labels: template.metadata?.labels ?? {} }] : [];
  });
}
