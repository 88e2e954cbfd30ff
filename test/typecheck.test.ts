import { spawnSync } from 'node:child_process';
import { ROOT } from './support/processes';

/*
 * `npm test` type-checks the whole project (sources, tests, scripts, generated bindings) as one of its
 * tests, so jest runs the other files on the other core meanwhile; the tests themselves are only
 * transpiled (test/support/transform.js).
 */
describe('types', () => {
  it('tsc --noEmit finds no error in the project', () => {
    const run = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', ROOT], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
