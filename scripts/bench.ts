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
import { compileSynth } from './compile';
import { CACHE_VARIABLE } from './compiled-synth';

const { values: options } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Math.max(3, Number(options.runs));
const ROOT = join(__dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'todo-chatbot-bench-'));
const outputs = ['--out', join(scratch, 'dist'), '--charts', join(scratch, 'charts')];

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall-clock milliseconds of a whole process, median of RUNS after one warm-up; `env()` is called before each run. */
function timeProcess(command: string, args: string[], env: () => NodeJS.ProcessEnv = () => ({})): number {
  const once = () => {
    const extra = env();
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...extra } });
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

/** What the synth loads when it runs from its sources: the runtime dependencies, bar the transpiler it only loads on a cache miss. */
const RUNTIME_DEPENDENCIES = Object.keys((require('../package.json') as { dependencies: Record<string, string> }).dependencies).filter((name) => name !== 'sucrase');

/** Milliseconds of one `npm run compile` into a new folder, and that folder: what `npm install` does on a fresh clone. */
function compileFresh(): { ms: number; env: NodeJS.ProcessEnv } {
  const env = { [CACHE_VARIABLE]: mkdtempSync(join(scratch, 'compiled-')) };
  const start = process.hrtime.bigint();
  compileSynth({ ...process.env, ...env });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, env };
}

const helm = helms()[0];
const compiled = compileFresh();
const bareNode = timeProcess(process.execPath, ['-e', '0']);
const floor = timeProcess(process.execPath, ['-e', `for (const name of ${JSON.stringify(RUNTIME_DEPENDENCIES)}) require(name)`]);
// What `npm run synth` runs, without npm: scripts/synth.js starting a second node from the compiled synth.
const synthAlone = timeProcess(process.execPath, ['scripts/synth.js', ...outputs], () => compiled.env);
// A fresh clone: `npm install` compiles (not timed here, see compileMs), then the first synth runs.
const compileMs: number[] = [];
const firstSynth = timeProcess(process.execPath, ['scripts/synth.js', ...outputs], () => {
  const fresh = compileFresh();
  compileMs.push(fresh.ms);
  return fresh.env;
});
// The synth from its TypeScript sources, as it runs when nothing is compiled (npm ci --ignore-scripts, or a source changed since).
const emptyCache = () => ({ [CACHE_VARIABLE]: mkdtempSync(join(scratch, 'none-')) });
const fromSources = timeProcess(process.execPath, ['scripts/synth.js', ...outputs], emptyCache);
const fromSourcesFirst = timeProcess(process.execPath, ['scripts/synth.js', ...outputs], () => ({ ...emptyCache(), TODO_CHATBOT_TS_CACHE: mkdtempSync(join(scratch, 'ts-cache-')) }));
const npmSynth = timeProcess('npm', ['run', '--silent', 'synth', '--', ...outputs], () => compiled.env);
const helmTemplate = timeProcess(helm.path, ['template', 'todo-chatbot', join(scratch, 'charts', 'todo-chatbot'), '-n', 'todo-chatbot']);
const scaling = [1, 10, 100].map((instances) => ({ instances, ms: timeInstances(instances) }));

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
const row = (label: string, value: string, note = '') => process.stdout.write(`${label.padEnd(48)} ${value}${note ? `   ${note}` : ''}\n`);
const verdict = (ok: boolean) => (ok ? 'target met' : 'TARGET MISSED');

process.stdout.write(`medians of ${RUNS} runs, node ${process.version}, helm v${helm.major}\n\n`);
row('floor: bare node -e 0', ms(bareNode));
row(`floor: node loading the runtime dependencies`, ms(floor), RUNTIME_DEPENDENCIES.join(', '));
row('synth alone, compiled (scripts/synth.js)', ms(synthAlone), `${(synthAlone / bareNode).toFixed(2)}x bare node: ${verdict(synthAlone <= 3 * bareNode)} (<= 3x: two node starts)`);
row('synth alone, first run of a fresh clone', ms(firstSynth), `${(firstSynth / synthAlone).toFixed(2)}x warm: ${verdict(firstSynth <= 1.5 * synthAlone)} (<= 1.5x); npm install compiled it in ${median(compileMs).toFixed(0)} ms`);
row('synth from the sources, transpile cache warm', ms(fromSources), `${(fromSources / bareNode).toFixed(2)}x bare node (when nothing is compiled, or a source changed since)`);
row('synth from the sources, transpile cache empty', ms(fromSourcesFirst), `${(fromSourcesFirst / fromSources).toFixed(2)}x warm (npm ci --ignore-scripts, then the first synth)`);
row('npm run synth, end to end', ms(npmSynth), `${verdict(npmSynth < 1000)} (< 1000 ms)`);
row(`helm template of the chart (helm v${helm.major})`, ms(helmTemplate), `synth alone is ${(synthAlone / helmTemplate).toFixed(2)}x helm template: ${verdict(synthAlone <= 2 * helmTemplate)} (stretch: <= 2x)`);
process.stdout.write('\nin-process synth of an App with N releases (build + YAML):\n');
for (const { instances, ms: value } of scaling) row(`  ${instances} release(s)`, ms(value), `${(value / instances).toFixed(2)} ms per release`);
const growth = scaling[2].ms / scaling[1].ms;
row('growth from 10 to 100 releases', `${growth.toFixed(2)}x`, `${verdict(growth <= 13)} (linear is 10x; <= 13x allowed)`);
