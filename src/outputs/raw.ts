import { App } from 'cdk8s';
import type { Settings } from '../config/load';
import type { SecretValues } from '../constructs/secret';
import { TodoChatbot } from '../constructs/todo-chatbot';
import { RawContext } from '../model/context';
import type { KubeObject } from '../model/k8s';
import { CHART_NAME } from '../model/helpers';
import { yamlStream } from './yaml';

export interface OutputFile {
  readonly content: string | Buffer;
  /** File mode; the Secret's file is private to its owner. @default 0o644 */
  readonly mode?: number;
}

/** The raw output's files, named so that `kubectl apply -f` takes them in order: the Namespace, then the Secret, then the rest. */
export const RAW_FILES = { namespace: '00-namespace.yaml', secret: '10-secret.yaml', objects: `20-${CHART_NAME}.yaml` } as const;

/** The manifests as data, in the order `kubectl apply` needs them (Namespace first). */
export function synthObjects(settings: Settings, secretValues?: SecretValues): KubeObject[] {
  const ctx = new RawContext(settings.values, settings.release);
  return new TodoChatbot(new App(), CHART_NAME, { ctx, secretValues }).toJson() as KubeObject[];
}

/**
 * The raw output. Files apply in name order with `kubectl apply -f dist/`: the Namespace, then the
 * Secret (only when the synth creates it; mode 0600, never printed), then everything else.
 */
export function rawFiles(settings: Settings, secretValues?: SecretValues): Map<string, OutputFile> {
  const objects = synthObjects(settings, secretValues);
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const files = new Map<string, OutputFile>([[RAW_FILES.namespace, { content: yamlStream(byKind('Namespace')) }]]);
  const secrets = byKind('Secret');
  if (secrets.length > 0) files.set(RAW_FILES.secret, { content: yamlStream(secrets), mode: 0o600 });
  const rest = objects.filter((object) => object.kind !== 'Namespace' && object.kind !== 'Secret');
  files.set(RAW_FILES.objects, { content: yamlStream(rest) });
  return files;
}
