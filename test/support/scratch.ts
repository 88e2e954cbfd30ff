import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * The one way tests make temporary folders: each goes when the test file that made it is done, passed
 * or failed, so no run leaves folders behind (npm test's global teardown, scratch-teardown.js, fails
 * the run when anything is left in its temporary folder).
 */
const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new, empty folder `todo-chatbot-<name>-XXXXXX` in the temporary folder, removed after the test file. */
export function scratchFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `todo-chatbot-${name}-`));
  made.push(dir);
  return dir;
}
