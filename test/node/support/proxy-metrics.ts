/** kube-proxy's histogram of how long an endpoint change took to reach its rules, from the change (the EndpointSlice's trigger time) on. */
const PROGRAMMING = 'kubeproxy_network_programming_duration_seconds';

/** Cumulative counts by upper bound (`le`, in seconds), as Prometheus keeps a histogram. */
export type Histogram = ReadonlyMap<number, number>;

/** kube-proxy's network programming histogram now (NODE_PROXY_METRICS_URL, set by the node tier's global setup). */
export async function programmingHistogram(): Promise<Histogram> {
  const url = process.env.NODE_PROXY_METRICS_URL;
  if (!url) throw new Error('NODE_PROXY_METRICS_URL is not set: run this tier with npm run test:node');
  const text = await (await fetch(url)).text();
  const buckets = new Map<number, number>();
  // Newer releases label each bucket with its IP family too: one family here.
  for (const [, le, count] of text.matchAll(new RegExp(`^${PROGRAMMING}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'))) {
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(count));
  }
  return buckets;
}

/**
 * What kube-proxy did between two readings: how many endpoint changes it programmed, and the bound
 * (a bucket's upper edge) within which every one of them was in its rules. A pod's `preStop` pause must
 * outlast that bound, or new connections still reach a pod that has stopped.
 */
export function programmedBetween(before: Histogram, after: Histogram): { changes: number; withinSeconds: number } {
  const changes = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const within = bounds.find((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0) === changes) ?? Infinity;
  return { changes, withinSeconds: within };
}
