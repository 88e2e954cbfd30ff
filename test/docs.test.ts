import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_SECTIONS, regenerate } from '../src/docs/generate';

const ROOT = join(__dirname, '..');

describe('documentation', () => {
  it.each(Object.keys(GENERATED_SECTIONS))('%s is current with the model (run `npm run docs` when this fails)', (file) => {
    const committed = readFileSync(join(ROOT, file), 'utf8');
    expect(regenerate(file, committed)).toBe(committed);
  });

  it('README opens with the set-up and test commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const setUp = readme.indexOf('npm install && npm run synth');
    expect(setUp).toBeGreaterThan(0);
    expect(setUp).toBeLessThan(readme.indexOf('## Run it on Minikube'));
    expect(readme.indexOf('npm test')).toBeLessThan(readme.indexOf('## Run it on Minikube'));
  });

  it('.ci/run installs from the lock file and runs the README test command', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('npm ci');
    expect(ci).toMatch(/^npm test -- --ci$/m);
  });
});
