/*
 * `npm run import`: regenerates the typed bindings in imports/ from the CRD files in crds/ (kagent's
 * Agent), offline. A test fails when the committed bindings are stale.
 */
import { join } from 'node:path';
import { IMPORTED_CRDS } from '../src/imports/crd-bindings';
import { importBindings } from './crd-import';

const root = join(__dirname, '..');
importBindings(root, join(root, 'imports'));
for (const { file, version } of IMPORTED_CRDS) process.stdout.write(`imported: ${file} (${version})\n`);
