import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Fails the run when a test, or a program it ran, left anything in the run's temporary folder; removes the folder either way. */
export default function tearDownTempFolder(): void {
  const folder = tmpdir();
  const left = readdirSync(folder).sort();
  rmSync(folder, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`the run left ${left.length} entries in the temporary folder (make them with scratchFolder, test/support/scratch.ts): ${left.slice(0, 10).join(', ')}`);
  }
}
