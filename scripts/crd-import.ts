import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { IMPORTED_CRDS } from '../src/imports/crd-bindings';

/**
 * Generates the TypeScript bindings of IMPORTED_CRDS into `outputDir` with cdk8s's importer (it reads
 * local files, no network). Each CRD is cut to the version we emit first: the importer writes a class
 * tree per served version, and the others would be a megabyte of types nothing uses.
 */
export function importBindings(root: string, outputDir: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'todo-chatbot-import-'));
  try {
    for (const { file, version } of IMPORTED_CRDS) {
      const crd = parse(readFileSync(join(root, file), 'utf8'));
      const versions = crd.spec.versions.filter((served: { name: string }) => served.name === version);
      if (versions.length !== 1) throw new Error(`${file} serves no version ${version}`);
      const cut = join(scratch, file.split('/').pop()!);
      writeFileSync(cut, stringify({ ...crd, spec: { ...crd.spec, versions } }));
      // cdk8s-cli (a devDependency) exports no module paths: run its installed command.
      // Run from the scratch folder: the importer records what it imported in the cdk8s.yaml of its folder.
      const result = spawnSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['import', cut, '--output', resolve(outputDir), '--language', 'typescript'], {
        cwd: scratch,
        encoding: 'utf8',
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      });
      if (result.status !== 0) throw new Error(`cdk8s import ${file} failed:\n${result.stderr}${result.stdout}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
