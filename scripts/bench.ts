/*
 * `npm run bench`: times the synth against its floor and against helm, and how its cost grows with
 * work. Every figure is the median of several runs taken in this one run, and the targets are judged
 * by ratios measured side by side, because machines here are shared and noisy. No network.
 *
 *   npm run bench              # process timings and in-process scaling
 *   npm run bench -- --runs 9  # more runs per figure
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { DEFAULT_RELEASE, loadSettings } from '../src/config/load';
import { TodoChatbot } from '../src/constructs/todo-chatbot';
import { RawContext } from '../src/model/context';
import { helms } from '../test/support/helm';

const { values: options } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Math.max(3, Number(options.runs));
const ROOT = join(__dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'todo-chatbot-bench-'));
const outputs = ['--out', join(scratch, 'dist'), '--charts', join(scratch, 'charts')];

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall-clock milliseconds of a whole process, median of RUNS after one warm-up. */
function timeProcess(command: string, args: string[]): number {
  const once = () => {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  once();
  return median(Array.from({ length: RUNS }, once));
}

/** Milliseconds to build and serialize an App holding `instances` releases of the deployment. */
function timeInstances(instances: number): number {
  const settings = loadSettings();
  const once = () => {
    const start = process.hrtime.bigint();
    const app = new App();
    for (let index = 0; index < instances; index++) {
      const release = { name: `${DEFAULT_RELEASE.name}-${index}`, namespace: `${DEFAULT_RELEASE.namespace}-${index}` };
      new TodoChatbot(app, release.name, { ctx: new RawContext(settings.values, release) });
    }
    const yaml = app.charts.map((chart) => chart.toJson().map((object: object) => stringify(object, { aliasDuplicateObjects: false })).join('---\n'));
    if (yaml.length !== instances) throw new Error('lost a chart');
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  once();
  return median(Array.from({ length: RUNS }, once));
}

const helm = helms()[0];
const floor = timeProcess(process.execPath, ['-e', "require('cdk8s-plus-28')"]);
const synthAlone = timeProcess(process.execPath, ['-r', './scripts/register.js', 'main.ts', ...outputs]);
const npmSynth = timeProcess('npm', ['run', '--silent', 'synth', '--', ...outputs]);
const helmTemplate = timeProcess(helm.path, ['template', 'todo-chatbot', join(scratch, 'charts', 'todo-chatbot'), '-n', 'todo-chatbot']);
const scaling = [1, 10, 100].map((instances) => ({ instances, ms: timeInstances(instances) }));

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
const row = (label: string, value: string, note = '') => process.stdout.write(`${label.padEnd(48)} ${value}${note ? `   ${note}` : ''}\n`);
const verdict = (ok: boolean) => (ok ? 'target met' : 'TARGET MISSED');

process.stdout.write(`medians of ${RUNS} runs, node ${process.version}, helm v${helm.major}\n\n`);
row('floor: node loading cdk8s-plus-28', ms(floor));
row('synth alone (node main.ts)', ms(synthAlone), `${(synthAlone / floor).toFixed(2)}x floor: ${verdict(synthAlone <= 3 * floor)} (<= 3x)`);
row('npm run synth, end to end', ms(npmSynth), `${verdict(npmSynth < 1000)} (< 1000 ms)`);
row(`helm template of the chart (helm v${helm.major})`, ms(helmTemplate), `synth alone is ${(synthAlone / helmTemplate).toFixed(2)}x helm template`);
process.stdout.write('\nin-process synth of an App with N releases (build + YAML):\n');
for (const { instances, ms: value } of scaling) row(`  ${instances} release(s)`, ms(value), `${(value / instances).toFixed(2)} ms per release`);
const growth = scaling[2].ms / scaling[1].ms;
row('growth from 10 to 100 releases', `${growth.toFixed(2)}x`, `${verdict(growth <= 13)} (linear is 10x; <= 13x allowed)`);
