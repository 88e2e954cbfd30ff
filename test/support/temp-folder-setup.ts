import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variables `os.tmpdir()` reads: TMPDIR on Linux and macOS, TEMP and TMP on Windows. */
const TEMP_VARIABLES = ['TMPDIR', 'TEMP', 'TMP'] as const;

/**
 * A run's own temporary folder (npm test's, and each tier's): every test, and every program a test
 * runs, writes its temporary files there (the workers and children inherit the variables), so
 * temp-folder-teardown.ts sees all that a run left.
 */
export default function setUpTempFolder(): void {
  const folder = mkdtempSync(join(tmpdir(), 'todo-chatbot-run-'));
  for (const variable of TEMP_VARIABLES) process.env[variable] = folder;
}
