import { spawnSync } from 'node:child_process';
import { kubectl, kubectlJson } from '../../cluster/support/commands';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One GET with a deadline; a connection error or a timeout is an answer too, with status 0. */
export async function get(url: string, timeoutMs = 5000): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { status: 0, body: cause };
  }
}

/**
 * Writes a todo through the frontend Service (POST /api/todos, proxied to the backend, stored in the
 * outside PostgreSQL) and reads the list back: the titles the backend returns.
 */
export async function addTodoAndList(url: string, title: string): Promise<string[]> {
  const posted = await fetch(`${url}/api/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }), signal: AbortSignal.timeout(10_000) });
  if (posted.status !== 201) throw new Error(`POST ${url}/api/todos answered ${posted.status}: ${await posted.text()}`);
  const listed = await get(`${url}/api/todos`, 10_000);
  if (listed.status !== 200) throw new Error(`GET ${url}/api/todos answered ${listed.status}: ${listed.body}`);
  return (JSON.parse(listed.body) as { title: string }[]).map((todo) => todo.title);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GETs until one answers 200, at most `tries` times a second apart; returns the last answer. */
export async function getUntilOk(url: string, tries = 60): Promise<HttpAnswer> {
  let answer: HttpAnswer = { status: 0, body: 'not tried' };
  for (let attempt = 0; attempt < tries; attempt += 1) {
    answer = await get(url);
    if (answer.status === 200) return answer;
    await sleep(1000);
  }
  return answer;
}

/** The frontend Service's address from outside the cluster: its LoadBalancer address (the `minikube tunnel` stand-in gives it one). */
export async function frontendUrl(namespace: string, service: string): Promise<string> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const object = kubectlJson(['get', 'service', service, '-n', namespace]);
    const ip = object.status?.loadBalancer?.ingress?.[0]?.ip;
    if (ip) return `http://${ip}:${object.spec.ports[0].port}`;
    await sleep(500);
  }
  throw new Error(`Service ${namespace}/${service} got no LoadBalancer address within 30 s`);
}

export interface ReadyTimes {
  /** Seconds from `since` until the last pod of the namespace turned Ready. */
  readonly allReady: number;
  /** Per component: seconds from its container's start to the pod's Ready, probes' periods included. */
  readonly toReady: Record<string, number>;
  /** Per component: seconds from its container's start until the reference app said it serves (its log). */
  readonly appStart: Record<string, number>;
}

/** What each reference app logs once it serves: uvicorn's and Next.js' own lines. */
const SERVING = /Uvicorn running on|Ready in \d/;

/** Seconds from the container's start (whole seconds, as the API server keeps it) to the app's serving line, by the log's own timestamps. */
function appStartSeconds(pod: any, startedAt: number): number {
  const logs = kubectl(['logs', pod.metadata.name, '-n', pod.metadata.namespace, '--timestamps']).stdout;
  const line = logs.split('\n').find((entry) => SERVING.test(entry));
  return line ? Math.round((Date.parse(line.split(' ')[0]) - startedAt) / 100) / 10 : Number.NaN;
}

const sleepSync = (seconds: number) => spawnSync('sleep', [String(seconds)]);

/**
 * Waits until the pods `selector` picks are all Ready and none is still terminating (a replaced pod
 * has gone), and says when that happened, by the pods' own condition times (whole seconds).
 */
export function waitForReadyPods(namespace: string, selector: string, since: Date, timeoutSeconds = 240): ReadyTimes {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const isReady = (pod: any) => pod.status.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') === true;
  const settled = (pods: any[]) => pods.length > 0 && pods.every((pod) => !pod.metadata.deletionTimestamp && isReady(pod));
  let pods: any[] = kubectlJson(['get', 'pods', '-n', namespace, '-l', selector]).items;
  while (!settled(pods) && Date.now() < deadline) {
    sleepSync(1);
    pods = kubectlJson(['get', 'pods', '-n', namespace, '-l', selector]).items;
  }
  if (!settled(pods)) {
    const table = kubectl(['get', 'pods', '-n', namespace, '-o', 'wide']).stdout;
    const events = kubectl(['get', 'events', '-n', namespace, '--sort-by=.lastTimestamp']).stdout;
    throw new Error(`pods ${selector} in ${namespace} were not all Ready within ${timeoutSeconds} s:\n${table}\n${events}`);
  }
  const readyAt = (pod: any) => Date.parse(pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').lastTransitionTime);
  const toReady: Record<string, number> = {};
  const appStart: Record<string, number> = {};
  for (const pod of pods) {
    const started = Math.min(...pod.status.containerStatuses.map((status: any) => Date.parse(status.state.running.startedAt)));
    const component = pod.metadata.labels['app.kubernetes.io/component'] ?? pod.metadata.name;
    toReady[component] = (readyAt(pod) - started) / 1000;
    appStart[component] = appStartSeconds(pod, started);
  }
  // Condition times have whole seconds: a pod Ready within the second of `since` reads as before it.
  const allReady = Math.max(0, (Math.max(...pods.map(readyAt)) - Math.floor(since.getTime() / 1000) * 1000) / 1000);
  return { allReady, toReady, appStart };
}

/** Waits up to `timeoutSeconds` until the namespace has no pod left; returns the names of those still there. */
export function waitForNoPods(namespace: string, timeoutSeconds = 120): string[] {
  const names = () => kubectlJson(['get', 'pods', '-n', namespace]).items.map((pod: { metadata: { name: string } }) => pod.metadata.name) as string[];
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (names().length > 0 && Date.now() < deadline) sleepSync(1);
  return names();
}

/** One line for the tier's report, e.g. `node timing raw: ...`. */
export function report(path: string, times: ReadyTimes): void {
  const each = (seconds: Record<string, number>) => Object.entries(seconds).map(([component, value]) => `${component} ${value} s`).join(', ');
  process.stderr.write(`node timing ${path}: all pods Ready after ${times.allReady} s; container start to Ready ${each(times.toReady)}; the app's own start (to its serving log line) ${each(times.appStart)}\n`);
}
