import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { policyViolations } from '../policy/rules';
import { schemaProblems } from './kube-schema';
import type { KubeObject } from '../model/k8s';

/** The YAML files named, or inside the folders named (what `kubectl apply -f` would read). */
function yamlFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => /\.ya?ml$/.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path],
  );
}

export interface ValidationReport {
  readonly objects: number;
  readonly problems: string[];
}

/** Schema (strict) and policy validation of manifests on disk: `npm run validate [paths...]`. */
export function validateFiles(paths: readonly string[]): ValidationReport {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) return { objects: 0, problems: missing.map((path) => `${path}: no such file or folder (run npm run synth first)`) };
  const objects = yamlFiles(paths).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((document) => document.toJS() as KubeObject | null)
      .filter((object): object is KubeObject => object !== null),
  );
  const problems = [...objects.flatMap(schemaProblems), ...policyViolations(objects)];
  return { objects: objects.length, problems };
}
