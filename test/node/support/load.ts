import { Worker } from 'node:worker_threads';

export interface LoadResult {
  readonly requests: number;
  readonly failed: number;
  /** Failures by kind (`502`, `ECONNREFUSED`, `TIMEOUT`) and path, to say what went wrong and where. */
  readonly failures: Record<string, number>;
  /** Each failure's kind, path, answer (its first 120 characters), when it was sent and how long it took (the first 20). */
  readonly firstFailures: readonly string[];
  /** The slowest answer, and how many took over a second: printed, never asserted (figures of this machine's). */
  readonly slowestSeconds: number;
  readonly overOneSecond: number;
}

/** The most requests one load sends, whatever happens: a loop that cannot run away. */
const MAX_REQUESTS = 50_000;

/*
 * The client loop, in a worker thread of its own: the scenarios run kubectl and helm synchronously,
 * which would stall a loop on the test's own thread. One request at a time, each URL in turn, no
 * retries; anything but a 2xx is a failure. A slow answer is not a dropped one: the client waits 15 s,
 * longer than the frontend's own 10 s wait for the backend (so a backend it cannot reach shows as the
 * frontend's 502, not as the client giving up), and the slowest answers are reported. Each request on
 * a new connection: what is measured is where the Service sends each one. (A kept-alive connection stays with its pod until the
 * pod closes it, and a server that closes an idle one on SIGTERM, as Next.js and uvicorn do, races the
 * client's next request on it; browsers retry such a request, this loop would count it.)
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { urls, stopFlag, maxRequests } = workerData;
const stop = new Int32Array(stopFlag);
const agent = new http.Agent({ keepAlive: false });
const get = (url) => new Promise((resolve) => {
  const request = http.get(url, { agent, timeout: 15000 }, (response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => { if (body.length < 200) body += chunk; });
    // A failed answer's status and the start of its body (the frontend's and backend's own JSON error).
    response.on('end', () => resolve(response.statusCode >= 200 && response.statusCode <= 299 ? undefined : { kind: String(response.statusCode), body: body.slice(0, 120) }));
    response.on('error', (error) => resolve({ kind: error.code ?? error.name }));
  });
  request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  request.on('error', (error) => resolve({ kind: error.code ?? error.name }));
});
(async () => {
  let requests = 0, failed = 0, slowest = 0, overOneSecond = 0;
  const failures = {}, firstFailures = [], started = Date.now();
  while (Atomics.load(stop, 0) === 0 && requests < maxRequests) {
    const url = urls[requests % urls.length], sent = Date.now();
    const failure = await get(url);
    requests += 1;
    const took = Date.now() - sent;
    slowest = Math.max(slowest, took);
    if (took > 1000) overOneSecond += 1;
    if (failure) {
      failed += 1;
      const what = failure.kind + ' ' + new URL(url).pathname;
      failures[what] = (failures[what] ?? 0) + 1;
      const answer = failure.body ? ' ' + JSON.stringify(failure.body) : '';
      if (firstFailures.length < 20) firstFailures.push(what + answer + ' sent at ' + ((sent - started) / 1000).toFixed(1) + ' s, ended after ' + (took / 1000).toFixed(1) + ' s');
    }
  }
  parentPort.postMessage({ requests, failed, failures, firstFailures, slowestSeconds: slowest / 1000, overOneSecond });
})();
`;

/** Starts sending requests to `urls`; `stop` ends the loop after its request in flight and says how it went. */
export function startLoad(urls: readonly string[]): { stop(): Promise<LoadResult> } {
  const stopFlag = new SharedArrayBuffer(4);
  const worker = new Worker(CLIENT, { eval: true, workerData: { urls, stopFlag, maxRequests: MAX_REQUESTS } });
  const result = new Promise<LoadResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(new Int32Array(stopFlag), 0, 1);
      const done = await result;
      await worker.terminate();
      return done;
    },
  };
}

/** The tier's line for one rollout scenario, exactly `rollout <scenario>: <N> requests, <F> failed`, and the failures by kind on the next. */
export function reportRollout(scenario: string, result: LoadResult): void {
  const kinds = Object.entries(result.failures).map(([kind, count]) => `${kind} x${count}`).join(', ');
  const details = kinds ? `  failures by kind and path: ${kinds}\n  first failures: ${result.firstFailures.join('; ')}\n` : '';
  const slow = `  slowest answer ${result.slowestSeconds.toFixed(1)} s, ${result.overOneSecond} over 1 s\n`;
  process.stderr.write(`rollout ${scenario}: ${result.requests} requests, ${result.failed} failed\n${slow}${details}`);
}
