/*
 * `npm run smoke -- (--raw | --helm) [options]`: the smoke test of the Todo Chatbot on Minikube (or any
 * cluster). It deploys what `npm run synth` wrote, waits for the rollout, GETs the backend's /health and
 * the frontend's / through `kubectl port-forward`, runs `helm test` for a Helm install, and explains any
 * failure with the pods, recent events, `kubectl describe` and logs.
 *
 * kubectl and helm are run directly, never through a shell, and the HTTP checks are node's own fetch,
 * so it runs the same in PowerShell, cmd.exe and bash. It expects the images built inside Minikube
 * (README step 2) and checks that the Secret exists (step 3). The control plane tier runs it with
 * --skip-http (kwok turns pods Ready, but no container runs); the node tier runs it whole.
 *
 * Exit status: 0 passed (or a dry run), 1 the smoke test failed, 2 the command line is wrong.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..');
// `npm run` starts scripts in the project folder; it passes the caller's folder as INIT_CWD, which is
// where relative paths on the command line are meant from.
const CALLER_FOLDER = process.env.INIT_CWD || process.cwd();
const DEFAULTS = { release: 'todo-chatbot', namespace: 'todo-chatbot', timeout: '180s', dist: join(ROOT, 'dist') };
// A Go duration, as kubectl and helm read --timeout.
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

const USAGE = `Usage: npm run smoke -- (--raw | --helm) [--dry-run] [--skip-http] [--release NAME] [--namespace NAME] [--timeout 180s] [--dist DIR] [--values FILE]

  --raw          deploy dist/*.yaml with kubectl apply (run npm run synth first)
  --helm         deploy dist/todo-chatbot-*.tgz with helm upgrade --install, then helm test
  --dry-run      print the commands of the whole flow without running them
  --skip-http    skip only the HTTP checks (port-forward + GET), for a cluster where no container runs
  --release      release name, the resource name prefix (default: ${DEFAULTS.release})
  --namespace    namespace (default: ${DEFAULTS.namespace})
  --timeout      how long to wait for each rollout, a duration such as 90s or 5m (default: ${DEFAULTS.timeout})
  --dist         the folder npm run synth wrote (default: the project's dist/)
  --values FILE  with --helm: a values file for helm upgrade --install; may be given more than once
`;

interface Options {
  readonly mode: 'raw' | 'helm';
  readonly dryRun: boolean;
  readonly skipHttp: boolean;
  readonly release: string;
  readonly namespace: string;
  readonly timeout: string;
  readonly dist: string;
  readonly values: readonly string[];
}

/** A wrong command line: one line naming the option, then the usage, and exit 2. */
class UsageError extends Error {}

function parseArguments(argv: readonly string[]): Options | 'help' {
  const flags = new Set<string>();
  const single = new Map<string, string>();
  const values: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const [name, inline] = argv[index].startsWith('--') && argv[index].includes('=') ? [argv[index].slice(0, argv[index].indexOf('=')), argv[index].slice(argv[index].indexOf('=') + 1)] : [argv[index], undefined];
    if (name === '-h' || name === '--help') return 'help';
    if (['--raw', '--helm', '--dry-run', '--skip-http'].includes(name)) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!['--release', '--namespace', '--timeout', '--dist', '--values'].includes(name)) throw new UsageError(`unknown option ${argv[index]}`);
    const value = inline ?? argv[++index];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    if (name === '--values') values.push(value);
    else if (single.has(name) && single.get(name) !== value) throw new UsageError(`${name} is given twice, as ${single.get(name)} and ${value}`);
    else single.set(name, value);
  }
  if (flags.has('--raw') && flags.has('--helm')) throw new UsageError('choose one of --raw and --helm, not both');
  if (!flags.has('--raw') && !flags.has('--helm')) throw new UsageError('choose --raw or --helm');
  if (flags.has('--raw') && values.length > 0) throw new UsageError('--values goes with --helm; for --raw, give the values file to npm run synth -- -f FILE');
  const timeout = single.get('--timeout') ?? DEFAULTS.timeout;
  if (!DURATION.test(timeout)) throw new UsageError(`--timeout must be a duration such as 90s, 5m or 1h30m, not ${timeout}`);
  const fromCaller = (path: string) => (isAbsolute(path) ? path : resolve(CALLER_FOLDER, path));
  return {
    mode: flags.has('--raw') ? 'raw' : 'helm',
    dryRun: flags.has('--dry-run'),
    skipHttp: flags.has('--skip-http'),
    release: single.get('--release') ?? DEFAULTS.release,
    namespace: single.get('--namespace') ?? DEFAULTS.namespace,
    timeout,
    dist: single.has('--dist') ? fromCaller(single.get('--dist')!) : DEFAULTS.dist,
    values: values.map(fromCaller),
  };
}

/** The smoke test proper; every command it runs is printed first, as `+ command args`. */
class Smoke {
  private readonly portForwards: ChildProcess[] = [];
  private readonly backend: string;
  private readonly frontend: string;
  private readonly secret: string;

  constructor(private readonly options: Options) {
    this.backend = `${options.release}-backend`;
    this.frontend = `${options.release}-frontend`;
    this.secret = `${options.release}-secrets`;
  }

  async run(): Promise<void> {
    this.checkTools();
    if (this.options.mode === 'raw') this.deployRaw();
    else this.deployHelm();
    for (const deployment of [this.backend, this.frontend]) {
      if (!this.step('kubectl', ['rollout', 'status', `deployment/${deployment}`, '-n', this.options.namespace, `--timeout=${this.options.timeout}`])) {
        this.fail(`deployment ${deployment} did not become ready within ${this.options.timeout}`);
      }
    }
    if (this.options.skipHttp) {
      process.stdout.write('skipped: the HTTP checks (--skip-http)\n');
    } else {
      await this.checkEndpoint(this.backend, 8000, '/health', '"healthy"');
      await this.checkEndpoint(this.frontend, 80, '/', '');
    }
    if (this.options.mode === 'helm' && !this.step('helm', ['test', this.options.release, '-n', this.options.namespace])) this.fail('helm test failed');
    process.stdout.write(this.options.dryRun ? 'dry run: nothing was run; the commands above are the whole flow\n' : `smoke test passed: ${this.options.release} in ${this.options.namespace} (${this.options.mode})\n`);
  }

  /** Ends every port-forward this run started. */
  stopPortForwards(): void {
    for (const child of this.portForwards) {
      child.removeAllListeners('exit');
      child.kill();
    }
  }

  /** Prints a command and, unless --dry-run, runs it with its output on ours; true when it succeeded. */
  private step(command: string, args: readonly string[]): boolean {
    process.stdout.write(`+ ${shown(command, args)}\n`);
    if (this.options.dryRun) return true;
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.error) throw result.error;
    return result.status === 0;
  }

  /** Runs a command quietly, for a question (does it exist?), printed like a step. */
  private ask(command: string, args: readonly string[]): { ok: boolean; missing: boolean; stdout: string } {
    process.stdout.write(`+ ${shown(command, args)}\n`);
    if (this.options.dryRun) return { ok: true, missing: false, stdout: '' };
    const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: result.status === 0, missing: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT', stdout: result.stdout ?? '' };
  }

  private checkTools(): void {
    const tools: [string, string[]][] = [['kubectl', ['version', '--client']]];
    if (this.options.mode === 'helm') tools.push(['helm', ['version', '--short']]);
    for (const [tool, args] of tools) {
      const answer = this.ask(tool, args);
      if (answer.missing) this.stop(`${tool} is not installed (not found on PATH)`);
      if (!answer.ok) this.stop(`${tool} ${args.join(' ')} failed: is ${tool} installed correctly?`);
    }
    if (!this.ask('kubectl', ['cluster-info']).ok) this.stop("no cluster reachable; run 'minikube start' first");
  }

  private checkSecret(): void {
    if (this.ask('kubectl', ['get', 'secret', this.secret, '-n', this.options.namespace]).ok) return;
    this.stop(
      `Secret ${this.secret} is missing in namespace ${this.options.namespace}. Create it from a file of KEY=value lines\n` +
        '(DATABASE_URL, OPENAI_API_KEY and BETTER_AUTH_SECRET, see README step 3), then run this again:\n' +
        `  kubectl create secret generic ${this.secret} -n ${this.options.namespace} --from-env-file=secrets.env`,
    );
  }

  private deployRaw(): void {
    const { dist, namespace } = this.options;
    if (!this.step('kubectl', ['apply', '-f', join(dist, '00-namespace.yaml')])) this.fail(`kubectl apply of the namespace failed (run npm run synth first?)`);
    this.checkSecret();
    if (!this.step('kubectl', ['apply', '-f', dist])) this.fail(`kubectl apply -f ${dist} failed in namespace ${namespace}`);
  }

  private deployHelm(): void {
    const { dist, namespace, release, timeout } = this.options;
    const chart = this.packagedChart();
    // Created only when missing: README has you create it with kubectl create, and applying over that warns.
    const exists = this.ask('kubectl', ['get', 'namespace', namespace]).ok;
    if (this.options.dryRun) process.stdout.write(`+ kubectl create namespace ${namespace}   (only when it is missing)\n`);
    else if (!exists && !this.step('kubectl', ['create', 'namespace', namespace])) this.fail(`kubectl create namespace ${namespace} failed`);
    if (!this.step('kubectl', ['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted', '--overwrite'])) this.fail(`kubectl label namespace ${namespace} failed`);
    this.checkSecret();
    const values = this.options.values.flatMap((file) => ['-f', file]);
    if (!this.step('helm', ['upgrade', '--install', release, chart ?? join(dist, 'todo-chatbot-*.tgz'), '-n', namespace, ...values, '--wait', '--timeout', timeout])) {
      this.fail(`helm upgrade --install ${release} did not complete within ${timeout}`);
    }
  }

  /** The chart npm run synth packaged into dist/; a dry run without one prints the pattern it looks for. */
  private packagedChart(): string | undefined {
    let files: string[] = [];
    try {
      files = readdirSync(this.options.dist).filter((file) => /^todo-chatbot-.+\.tgz$/.test(file)).sort();
    } catch {
      // No dist/ folder: the same answer as an empty one.
    }
    if (files.length === 0 && !this.options.dryRun) this.stop(`no packaged chart (todo-chatbot-*.tgz) in ${this.options.dist}: run npm run synth first`);
    if (files.length > 1) this.stop(`more than one packaged chart in ${this.options.dist} (${files.join(', ')}): keep the one to install`);
    return files.length === 1 ? join(this.options.dist, files[0]) : undefined;
  }

  /** GETs a path of a Service through a port-forward on a local port kubectl picks, so none is ever taken. */
  private async checkEndpoint(service: string, defaultPort: number, path: string, expect: string): Promise<void> {
    const { namespace, dryRun } = this.options;
    const port = dryRun ? String(defaultPort) : this.ask('kubectl', ['get', 'service', service, '-n', namespace, '-o', 'jsonpath={.spec.ports[0].port}']).stdout.trim();
    if (!/^[0-9]+$/.test(port)) this.fail(`Service ${service} has no port in namespace ${namespace}`);
    const args = ['port-forward', `service/${service}`, `:${port}`, '-n', namespace];
    process.stdout.write(`+ ${shown('kubectl', args)} &\n`);
    process.stdout.write(`+ GET http://127.0.0.1:<the port kubectl picked>${path}\n`);
    if (dryRun) return;
    const localPort = await this.portForward(args, service);
    const url = `http://127.0.0.1:${localPort}${path}`;
    // A few tries, 2 s apart: the port-forward's first connection to a pod can be refused while it connects.
    let problem = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      problem = await get(url, expect);
      if (problem === '') {
        process.stdout.write(`ok: GET ${path} on ${service}\n`);
        return;
      }
      await sleep(2000);
    }
    this.fail(`GET ${path} on ${service} ${problem}`);
  }

  /** Starts `kubectl port-forward` in the background and waits (15 s at most) for the local port it says it listens on. */
  private portForward(args: readonly string[], service: string): Promise<number> {
    const child = spawn('kubectl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.portForwards.push(child);
    return new Promise((resolvePort) => {
      let stdout = '';
      let stderr = '';
      const give = (why: string) => {
        clearTimeout(timer);
        this.fail(`kubectl port-forward to ${service} ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
      };
      const timer = setTimeout(() => give('did not start listening within 15 s'), 15_000);
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const listening = /Forwarding from 127\.0\.0\.1:([0-9]+)/.exec(stdout);
        if (listening) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolvePort(Number(listening[1]));
        }
      });
      child.on('exit', (code) => give(`ended (exit ${code})`));
      child.on('error', (error) => give(`could not start (${error.message})`));
    });
  }

  /** A failure on a cluster: what Kubernetes says about the release, so that the cause is on screen; exits 1. */
  private fail(why: string): never {
    const { namespace, release, mode } = this.options;
    process.stderr.write(`--- smoke test FAILED: ${why}\n`);
    const show = (title: string, args: readonly string[], lastLines?: number) => {
      process.stderr.write(`--- ${title}\n`);
      const result = spawnSync('kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
      process.stderr.write(lastLines === undefined ? output : `${output.trimEnd().split('\n').slice(-lastLines).join('\n')}\n`);
    };
    const instance = `app.kubernetes.io/instance=${release}`;
    show('pods', ['get', 'pods', '-n', namespace, '-l', instance, '-o', 'wide']);
    show('recent events', ['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp'], 25);
    for (const component of ['backend', 'frontend']) {
      show(`describe ${component} pods`, ['describe', 'pods', '-n', namespace, '-l', `${instance},app.kubernetes.io/component=${component}`], 40);
      show(`logs of ${component}`, ['logs', '-n', namespace, `deployment/${release}-${component}`, '--tail=50', '--all-containers']);
      show(`logs of ${component}'s previous containers (after a restart)`, ['logs', '-n', namespace, `deployment/${release}-${component}`, '--tail=50', '--previous']);
    }
    if (mode === 'helm') show('logs of the helm test pods', ['logs', '-n', namespace, '-l', `${instance},app.kubernetes.io/component=test`, '--tail=20']);
    process.stderr.write('See docs/troubleshooting.md for the usual causes.\n');
    this.exit(1);
  }

  /** A missing prerequisite (a tool, the cluster, the Secret, the chart): one error line, nothing to explain; exits 1. */
  private stop(why: string): never {
    process.stderr.write(`error: ${why}\n`);
    this.exit(1);
  }

  private exit(status: number): never {
    this.stopPortForwards();
    process.exit(status);
  }
}

/** A command line as it can be pasted into bash or PowerShell: an argument with a space or a quote in single quotes. */
function shown(command: string, args: readonly string[]): string {
  return [command, ...args].map((word) => (/^[\w@%+=:,./\\{}[\]*-]+$/.test(word) ? word : `'${word}'`)).join(' ');
}

/** '' when the URL answers 2xx with a body containing `expect`, else what went wrong. */
async function get(url: string, expect: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (!response.ok) return `answered HTTP ${response.status}`;
    return body.includes(expect) ? '' : `answered '${body.slice(0, 200)}', expected it to contain '${expect}'`;
  } catch (error) {
    return `failed: ${(error as Error).cause ? String((error as Error & { cause: unknown }).cause) : (error as Error).message}`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function main(): void {
  let options: Options | 'help';
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const smoke = new Smoke(options);
  // Ctrl-C: the port-forwards end with us (on Windows they would not get the signal themselves).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      smoke.stopPortForwards();
      process.exit(128 + constants.signals[signal]);
    });
  }
  smoke.run().then(
    () => smoke.stopPortForwards(),
    (error: Error) => {
      smoke.stopPortForwards();
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    },
  );
}

main();
