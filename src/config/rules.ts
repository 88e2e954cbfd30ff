import { Condition, evaluate, valueAtPath, ValuesPath } from './conditions';
import { COMPONENTS, SECRET_ENV_BY_FIELD, SECRET_FIELDS, Values } from './schema';
import { RESERVED_CONFIG_KEYS, reservedEnv, TMP_PATH, TRAILING_SLASHES } from './environment';

/**
 * Rules that span several fields, so the JSON schema cannot state them; each is something the API
 * server or the running app would otherwise reject later. The chart enforces the same rules with
 * `fail` (see the `validate` helper), so both outputs refuse the same input.
 */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** The variables the synth reads a created Secret's values from. */
export const SECRET_ENV = Object.values(SECRET_ENV_BY_FIELD);
/** Names that say "secret" (kube-linter's env-var-secret): such values belong in the Secret, not in plain text. */
export const SECRET_LOOKING_NAME = /secret|password|passwd|token|api_?key|private_?key|credential/i;
/** The API server refuses an IP address as an Ingress host: it must be a DNS name. */
export const IP_ADDRESS = /^[0-9.]+$/;
/** What the API server refuses inside a `Prefix` Ingress path, and at its end (found by the control plane tier). */
export const INGRESS_PATH_FORBIDDEN = { within: ['//', '/./', '/../', '%2f', '%2F'], atEnd: ['/..', '/.'] } as const;
export const INGRESS_PATH_MESSAGE = 'expected a path without "//", "/./", "/../" or an encoded "/" (%2F), not ending in "/." or "/.."';

/** The next-cache volume on the tmp volume's path: two mounts on one path, which the API server refuses. */
export const NEXT_CACHE_ON_TMP_MESSAGE = `expected a path other than ${JSON.stringify(TMP_PATH)}, where the tmp volume is mounted (the API server refuses two volumes on one path)`;

/** Why a user-chosen variable name or ConfigMap key is refused (`noun` is "name" or "key"), if it is. */
function userEnvNameProblem(name: string, noun: string, reserved: readonly string[]): string | undefined {
  if (reserved.includes(name)) return `expected a ${noun} other than ${reserved.join(', ')} (set by the chart), got ${JSON.stringify(name)}`;
  if (SECRET_LOOKING_NAME.test(name)) return `expected a ${noun} that does not look secret (put secrets in the Secret, AD-5), got ${JSON.stringify(name)}`;
  return undefined;
}

/** Bytes per unit of each memory suffix the schema allows. */
export const MEMORY_FACTORS: Readonly<Record<string, number>> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/**
 * The largest request or limit taken: far above any node, and below the 8 PiB where the API server's
 * milli-unit arithmetic overflows (it then warns that a whole byte count is "fractional").
 */
export const QUANTITY_CEILING = { cpu: '1024', memory: '64Ti' } as const;

/**
 * Quantities as numbers, computed as the chart's `todo-chatbot.cpuMillicores` and `memoryBytes` helpers
 * compute them (the same float64 operations in the same order), so both outputs draw the line in the
 * same place. Exact for any size a node has: CPU in whole millicores, memory in bytes from an integer
 * times a power of 2 or 10.
 */
export function cpuMillicores(quantity: string): number {
  if (quantity.endsWith('m')) return Number(quantity.slice(0, -1));
  const [whole, fraction = ''] = quantity.split('.');
  return Number(whole) * 1000 + Number(`${fraction}000`.slice(0, 3));
}

export function memoryBytes(quantity: string): number {
  const [, digits = '', suffix = ''] = /^([0-9]*)(.*)$/.exec(quantity) ?? [];
  return Number(digits) * (MEMORY_FACTORS[suffix] ?? NaN);
}

export const DECIMAL_SUFFIXES = ['k', 'M', 'G', 'T', 'P', 'E'] as const;
export const BINARY_SUFFIXES = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

/** `amount` with `suffix`, divided by `base` and moved up the suffix list while it divides evenly; zero has no suffix. */
function largestWholeSuffix(amount: number, suffix: string, base: number, larger: readonly string[]): string {
  if (amount === 0) return '0';
  for (const next of larger) {
    if (amount % base !== 0) break;
    amount /= base;
    suffix = next;
  }
  return `${amount}${suffix}`;
}

/**
 * A quantity as the API server stores it (resource.Quantity's canonical form): "0.5" is kept as "500m",
 * "1024Mi" as "1Gi". Written any other way, `kubectl apply` finds the stored value different on every
 * run and reports the Deployment "configured" each time (found by the control plane tier).
 */
export function canonicalCpu(quantity: string): string {
  return largestWholeSuffix(cpuMillicores(quantity), 'm', 1000, ['', ...DECIMAL_SUFFIXES]);
}

/** Memory in canonical form: binary suffixes stay binary from 1Ki up; anything else is decimal. */
export function canonicalMemory(quantity: string): string {
  const bytes = memoryBytes(quantity);
  const binary = /i$/.test(quantity) && bytes >= 1024;
  return binary ? largestWholeSuffix(bytes, '', 1024, BINARY_SUFFIXES) : largestWholeSuffix(bytes, '', 1000, DECIMAL_SUFFIXES);
}

/**
 * A setting that must be empty ("", or null for a number) while another says otherwise. One entry
 * drives the synth's check (crossFieldProblems), the chart's `fail` (the validate helper), the test
 * settings' mender (which empties it) and the tests' breaker (`breaks`).
 */
export interface EmptyWhenRule {
  /** The setting that must be empty, and what empty is for it. */
  readonly path: ValuesPath;
  readonly empty: '' | null;
  /** When it must be, and the same in words for the message. */
  readonly when: Condition;
  readonly whenText: string;
  /** Why, for the message. */
  readonly because: string;
  /** Changes valid settings so that this rule, and no other, is broken: what the tests refuse. */
  readonly breaks: (values: Values) => void;
}

export const EMPTY_WHEN_RULES: readonly EmptyWhenRule[] = [
  {
    path: 'secret.existingSecret',
    empty: '',
    when: { truthy: 'secret.create' },
    whenText: 'secret.create is true',
    because: 'the chart would create a Secret of its own',
    breaks: (values) => {
      values.secret = { ...values.secret, create: true, existingSecret: 'mine', values: { databaseUrl: 'a', openaiApiKey: 'b', betterAuthSecret: 'c' } };
    },
  },
  {
    path: 'config.backendUrl',
    empty: '',
    when: { truthy: 'networkPolicy.enabled' },
    whenText: 'networkPolicy.enabled is true',
    because: "the frontend's egress policy lets it reach this release's backend only",
    breaks: (values) => {
      values.networkPolicy.enabled = true;
      values.config.backendUrl = 'https://api.example.com';
    },
  },
  {
    path: 'frontend.ingress.tlsSecretName',
    empty: '',
    when: { not: { truthy: 'frontend.ingress.host' } },
    whenText: 'frontend.ingress.host is empty',
    because: 'a certificate is for a host name: set the host',
    breaks: (values) => {
      values.frontend.ingress = { ...values.frontend.ingress, enabled: true, host: '', tlsSecretName: 'todo-tls' };
    },
  },
  ...COMPONENTS.map(
    (component): EmptyWhenRule => ({
      path: `${component}.service.nodePort`,
      empty: null,
      when: { equals: [`${component}.service.type`, 'ClusterIP'] },
      whenText: `${component}.service.type is ClusterIP`,
      because: 'only NodePort and LoadBalancer Services have node ports',
      breaks: (values) => {
        values[component].service = { ...values[component].service, type: 'ClusterIP', nodePort: 30080 };
      },
    }),
  ),
];

/** Whether a setting holds its rule's empty value (a null setting may also be left out). */
export function isEmptyFor(rule: EmptyWhenRule, value: unknown): boolean {
  return rule.empty === null ? value === null || value === undefined : value === rule.empty;
}

/** An EmptyWhenRule's message, before the value it got (the synth's JSON quoting, Helm's %q). */
export function emptyWhenMessage(rule: EmptyWhenRule): string {
  return `expected ${JSON.stringify(rule.empty)} when ${rule.whenText} (${rule.because}), got`;
}

export function crossFieldProblems(values: Values): Problem[] {
  const problems: Problem[] = [];
  for (const component of COMPONENTS) {
    const { requests, limits } = values[component].resources;
    const quantities = [['cpu', cpuMillicores], ['memory', memoryBytes]] as const;
    for (const [kind, set] of [['requests', requests], ['limits', limits]] as const) {
      for (const [resource, amount] of quantities) {
        if (amount(set[resource]) > amount(QUANTITY_CEILING[resource])) {
          problems.push({ path: `${component}.resources.${kind}.${resource}`, message: `expected at most ${JSON.stringify(QUANTITY_CEILING[resource])}, got ${JSON.stringify(set[resource])}` });
        }
      }
    }
    for (const [resource, amount] of quantities) {
      if (amount(requests[resource]) > amount(limits[resource])) {
        problems.push({
          path: `${component}.resources.requests.${resource}`,
          message: `expected at most the limit ${JSON.stringify(limits[resource])}, got ${JSON.stringify(requests[resource])}`,
        });
      }
    }
    const { readiness, liveness } = values[component].probes;
    if (JSON.stringify(readiness) === JSON.stringify(liveness)) {
      problems.push({
        path: `${component}.probes.liveness`,
        message: 'expected settings that differ from probes.readiness (identical probes restart a pod the moment it leaves the Service), got the same',
      });
    }
    const { autoscaling } = values[component];
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      problems.push({
        path: `${component}.autoscaling.minReplicas`,
        message: `expected at most maxReplicas (${autoscaling.maxReplicas}), got ${autoscaling.minReplicas}`,
      });
    }
    const seen = new Set<string>();
    values[component].extraEnv.forEach(({ name }, index) => {
      const path = `${component}.extraEnv[${index}].name`;
      const refused = userEnvNameProblem(name, 'name', reservedEnv(component));
      if (refused) {
        problems.push({ path, message: refused });
      } else if (seen.has(name)) {
        problems.push({ path, message: `expected each name once, got ${JSON.stringify(name)} twice` });
      }
      seen.add(name);
    });
  }
  for (const key of Object.keys(values.config.extra)) {
    const refused = userEnvNameProblem(key, 'key', RESERVED_CONFIG_KEYS);
    if (refused) problems.push({ path: `config.extra.${key}`, message: refused });
  }
  const { keys } = values.secret;
  SECRET_FIELDS.forEach((field, index) => {
    const earlier = SECRET_FIELDS.slice(0, index).find((other) => keys[other] === keys[field]);
    if (earlier) {
      problems.push({ path: `secret.keys.${field}`, message: `expected a key other than secret.keys.${earlier}'s, got ${JSON.stringify(keys[field])} for both` });
    }
  });
  if (IP_ADDRESS.test(values.frontend.ingress.host)) {
    problems.push({ path: 'frontend.ingress.host', message: `expected a DNS name, not an IP address, got ${JSON.stringify(values.frontend.ingress.host)}` });
  }
  const { path } = values.frontend.ingress;
  if (INGRESS_PATH_FORBIDDEN.within.some((part) => path.includes(part)) || INGRESS_PATH_FORBIDDEN.atEnd.some((end) => path.endsWith(end))) {
    problems.push({ path: 'frontend.ingress.path', message: `${INGRESS_PATH_MESSAGE}, got ${JSON.stringify(path)}` });
  }
  for (const rule of EMPTY_WHEN_RULES) {
    const value = valueAtPath(values, rule.path);
    if (evaluate(rule.when, values) && !isEmptyFor(rule, value)) problems.push({ path: rule.path, message: `${emptyWhenMessage(rule)} ${JSON.stringify(value)}` });
  }
  for (const component of COMPONENTS) {
    const { preStopSleepSeconds, terminationGracePeriodSeconds, rollingUpdate } = values[component];
    if (rollingUpdate.maxSurge === 0 && rollingUpdate.maxUnavailable === 0) {
      problems.push({
        path: `${component}.rollingUpdate.maxUnavailable`,
        message: `expected more than 0 when ${component}.rollingUpdate.maxSurge is 0 (a rollout could neither start a pod nor stop one), got 0`,
      });
    }
    if (preStopSleepSeconds >= terminationGracePeriodSeconds) {
      problems.push({
        path: `${component}.preStopSleepSeconds`,
        message: `expected less than ${component}.terminationGracePeriodSeconds (${terminationGracePeriodSeconds}: the pause is part of the grace period, and the app needs time to stop after it), got ${preStopSleepSeconds}`,
      });
    }
  }
  // kagent would list the tool twice in the Agent (and in its approvals): once is what was meant.
  values.aiops.kagent.writeTools.forEach((tool, index) => {
    if (values.aiops.kagent.writeTools.indexOf(tool) < index) {
      problems.push({ path: `aiops.kagent.writeTools[${index}]`, message: `expected each tool once, got ${JSON.stringify(tool)} twice` });
    }
  });
  const { nextCachePath } = values.frontend;
  if (nextCachePath.replace(TRAILING_SLASHES, '') === TMP_PATH) {
    problems.push({ path: 'frontend.nextCachePath', message: `${NEXT_CACHE_ON_TMP_MESSAGE}, got ${JSON.stringify(nextCachePath)}` });
  }
  return problems;
}
