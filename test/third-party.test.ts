import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSettings } from '../src/config/load';
import { PROFILE_NAMES } from '../src/config/profiles';
import { synth } from '../src/synth';
import { scratchFolder } from './support/scratch';

const hasYamllint = spawnSync('yamllint', ['--version']).status === 0;
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
const ROOT = join(__dirname, '..');

/** Both profiles' raw manifests and the chart's plain YAML files, written to a scratch folder. */
function writeOutputs(): string[] {
  const root = scratchFolder('lint');
  const files: string[] = [];
  for (const profile of PROFILE_NAMES) {
    const { dist, chart } = synth(loadSettings({ profile }));
    for (const [name, file] of dist) if (name.endsWith('.yaml')) files.push(write(join(root, profile, name), String(file.content)));
    // Templates are Go templates, not YAML; the rest of the chart is plain YAML.
    for (const [path, content] of chart) if (path.endsWith('.yaml') && !path.startsWith('templates/')) files.push(write(join(root, profile, 'chart', path), content));
  }
  return files;
}

function write(path: string, content: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('third-party linters', () => {
  // CI installs yamllint (.ci/run); elsewhere the test says it was skipped rather than pass silently.
  (hasYamllint || process.env.CI ? it : it.skip)("yamllint with chart-testing's configuration passes on the chart and the manifests", () => {
    const result = spawnSync('yamllint', ['--strict', '-c', join(__dirname, 'support', 'yamllint.yaml'), ...writeOutputs()], { encoding: 'utf8' });
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
  });

  // The Linux-only tiers' runners and .ci/run (every npm script a user runs is node: test/npm-scripts.test.ts).
  (hasShellcheck || process.env.CI ? it : it.skip)("every shell script (the tiers', .ci/run) passes bash -n and shellcheck", () => {
    const tracked = spawnSync('git', ['ls-files', '*.sh'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n');
    const scripts = [...tracked, '.ci/run'].map((script) => join(ROOT, script));
    expect(scripts.length).toBeGreaterThan(8);
    for (const script of scripts) expect(spawnSync('bash', ['-n', script], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    // -x: follow the scripts they source (test/support/cache.sh)
    const result = spawnSync('shellcheck', ['-x', ...scripts], { encoding: 'utf8' });
    expect({ status: result.status, output: result.stdout }).toEqual({ status: 0, output: '' });
  });
});
