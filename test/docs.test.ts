import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadSettings } from '../src/config/load';
import { GENERATED_SECTIONS, regenerate } from '../src/docs/generate';
import { synth } from '../src/synth';
import { RAW_FILES } from '../src/outputs/raw';

const ROOT = join(__dirname, '..');

describe('documentation', () => {
  it.each(Object.keys(GENERATED_SECTIONS))('%s is current with the model (run `npm run docs` when this fails)', (file) => {
    const committed = readFileSync(join(ROOT, file), 'utf8');
    expect(regenerate(file, committed)).toBe(committed);
  });

  it("docs/image-contract.md's Dockerfiles are the ones the node tier builds its reference images from, byte for byte", () => {
    const blocks = [...readFileSync(join(ROOT, 'docs', 'image-contract.md'), 'utf8').matchAll(/^```dockerfile\n([\s\S]*?)^```$/gm)].map(([, block]) => block);
    const built = ['backend', 'frontend'].map((component) => readFileSync(join(ROOT, 'test', 'node', 'images', component, 'Dockerfile'), 'utf8'));
    expect(blocks).toEqual(built);
  });

  it('README opens with the set-up and test commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const setUp = readme.indexOf('npm install && npm run synth');
    expect(setUp).toBeGreaterThan(0);
    expect(setUp).toBeLessThan(readme.indexOf('## Run it on Minikube'));
    expect(readme.indexOf('npm test')).toBeLessThan(readme.indexOf('## Run it on Minikube'));
  });

  it('every dist/ file the docs name is one the synth writes', () => {
    const written = [...synth(loadSettings()).dist.keys()].concat(RAW_FILES.secret);
    const named = ['README.md', 'docs/troubleshooting.md', 'docs/architecture.md'].flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/dist\/[\w.-]+\.(yaml|tgz)/g)].map(([path]) => ({ file, path })),
    );
    // README's own steps name dist/ files: none found would mean the pattern, not the docs, is wrong.
    expect(named.filter(({ file }) => file === 'README.md').length).toBeGreaterThan(0);
    for (const { file, path } of named) expect({ file, path, written: written.includes(path.slice('dist/'.length)) }).toEqual({ file, path, written: true });
  });

  it("docs/policy.md's accepted findings are exactly the exceptions in the peers' configuration files", () => {
    const section = readFileSync(join(ROOT, 'docs', 'policy.md'), 'utf8').split('<!-- accepted-findings:start -->')[1]!.split('<!-- accepted-findings:end -->')[0]!;
    const documented = [...section.matchAll(/^\| (kube-linter|kube-score|checkov) \| `([^`]+)` \|/gm)].map(([, tool, check]) => `${tool} ${check}`);
    const peers = join(ROOT, 'test', 'peers');
    const configured = [
      ...parse(readFileSync(join(peers, 'kube-linter.yaml'), 'utf8')).checks.exclude.map((check: string) => `kube-linter ${check}`),
      ...[...readFileSync(join(peers, 'kube-score.flags'), 'utf8').matchAll(/^--ignore-test=(\S+)$/gm)].map(([, check]) => `kube-score ${check}`),
      ...parse(readFileSync(join(peers, 'checkov.yaml'), 'utf8'))['skip-check'].map((check: string) => `checkov ${check}`),
    ];
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...configured].sort());
  });

  it('.ci/run installs from the lock file and runs the README test command', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('npm ci');
    expect(ci).toMatch(/^npm test -- --ci$/m);
  });
});
