/*
 * `npm run docs`: regenerates the parts of the documentation that come from the model (the values
 * reference in README.md, the diagram in docs/architecture.md, the rule list in docs/policy.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_SECTIONS, regenerate } from '../src/docs/generate';

for (const file of Object.keys(GENERATED_SECTIONS)) {
  const before = readFileSync(file, 'utf8');
  const after = regenerate(file, before);
  if (after !== before) writeFileSync(file, after);
  process.stdout.write(`${after === before ? 'current' : 'updated'}: ${file}\n`);
}
