import { Condition, evaluate, helmTruthy, valueAtPath, ValuesPath } from './conditions';
import { Component, COMPONENTS, SECRET_ENV_BY_FIELD, SECRET_FIELDS, Values } from './schema';
import { COMPONENT_VOLUMES, RESERVED_CONFIG_KEYS, reservedEnv, TMP_PATH } from './environment';
import { VOLUME_TYPES } from './kube-types';
import { formatPath } from './errors';
import { CONFIG_CHECKSUM_ANNOTATION, RESERVED_ANNOTATION_KEYS, RESERVED_LABEL_KEYS } from './metadata';

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


/*
 * The cross-field rules, as data: each entry of CROSS_FIELD_RULES is one rule. Its kind says how the
 * synth checks it (crossFieldProblems, here), how the chart's validate helper writes it as a Helm `fail`
 * with the same line (src/outputs/helm/validate.ts), and how the test settings mend it; its `breaks`
 * are the ways tests break it. Adding a rule is adding an entry.
 */

/** How a setting is compared: a CPU or memory quantity (as an amount, shown quoted), or a count. */
export type Measure = 'cpu' | 'memory' | 'count';

/**
 * Ways to change valid settings so that this rule, and no other, is broken, by what they do; each
 * returns the field the refusal names.
 */
export type Breaks = Readonly<Record<string, (values: Values) => string>>;

/** A setting that must be empty ("", or null for a number) while a condition holds. */
export interface EmptyWhenRule {
  readonly kind: 'emptyWhen';
  readonly path: ValuesPath;
  readonly empty: '' | null;
  /** When it must be, and the same in words for the message. */
  readonly when: Condition;
  readonly whenText: string;
  /** Why, for the message. */
  readonly because: string;
  readonly breaks: Breaks;
}

/** A count or quantity that must be at most, less than or more than a bound: another setting, or a fixed value. */
export interface OrderRule {
  readonly kind: 'order';
  readonly path: ValuesPath;
  readonly measure: Measure;
  readonly relation: keyof typeof RELATION_WORDS;
  readonly bound: { readonly path: ValuesPath } | { readonly value: string | number };
  /** Only while this holds (always, when left out), and the same in words. */
  readonly when?: { readonly condition: Condition; readonly text: string };
  readonly because?: string;
  readonly breaks: Breaks;
}

/** Where a distinct rule's values come from: a setting, the items of a list (or a field of each), or a mapping's keys. */
export type DistinctSource = { readonly path: ValuesPath } | { readonly list: ValuesPath; readonly field?: ItemField } | { readonly keysOf: ValuesPath };

/** The field of a list's items a rule reads. */
export type ItemField = 'name' | 'mountPath';

/** Values that must differ from each other, from one or more sources. Unset ones are not compared. */
export interface DistinctRule {
  readonly kind: 'distinct';
  readonly among: readonly DistinctSource[];
  /** What one of them is, for the message ("name", "tool"). */
  readonly noun: string;
  /** Why, for the message, when it is not plain. */
  readonly because?: string;
  readonly breaks: Breaks;
}

/**
 * Names the user chooses (a field of each list item, or a mapping's keys): never one the chart sets,
 * and, for names of plain-text values (variables, config keys), none that looks secret.
 */
export interface UserNameRule {
  readonly kind: 'userName';
  readonly names: { readonly list: ValuesPath; readonly field: ItemField } | { readonly keysOf: ValuesPath };
  readonly noun: 'name' | 'key' | 'path';
  readonly reserved: readonly string[];
  /** Whether a secret-looking name is refused: its value would be plain text where a secret does not belong. */
  readonly refusesSecretLooking: boolean;
  readonly breaks: Breaks;
}

/** A text setting refused when it matches a pattern (RE2 and JavaScript read it alike: no lookaround, no flags). */
export interface RefusedRule {
  readonly kind: 'refused';
  readonly path: ValuesPath;
  readonly refused: RegExp;
  /** What is expected instead, for the message, and a value the test settings' mender puts in its place. */
  readonly expected: string;
  readonly instead: string;
  readonly breaks: Breaks;
}

/** A group of settings that must not equal another. */
export interface DifferRule {
  readonly kind: 'differ';
  readonly path: ValuesPath;
  readonly from: ValuesPath;
  readonly because: string;
  /** Changes `path` so that it differs from `from`: the test settings' mender. */
  readonly mend: (values: Values) => void;
  readonly breaks: Breaks;
}

/** Each item of a list (of mappings) has exactly one of `keys` besides `besides`, and no other key. */
export interface OneKeyOfRule {
  readonly kind: 'oneKeyOf';
  readonly list: ValuesPath;
  readonly besides: readonly string[];
  readonly keys: readonly string[];
  /** What one of `keys` is ("volume type"), and why there are no others. */
  readonly noun: string;
  readonly because: string;
  readonly breaks: Breaks;
}

/** A field of each list item names one of some names: fixed ones, or a field of another list's items. */
export interface MemberOfRule {
  readonly kind: 'memberOf';
  readonly list: ValuesPath;
  readonly field: ItemField;
  readonly fixed: readonly string[];
  readonly of: { readonly list: ValuesPath; readonly field: ItemField };
  /** What the names are the names of ("a volume of the pod"). */
  readonly noun: string;
  readonly breaks: Breaks;
}

/**
 * In each item of a list, the paths of a list it holds (`items` of one of `within`'s keys): no two the
 * same, and none a folder of another. Paths are relative, without "." parts or a trailing "/" (the
 * schema's format), so "a" holds "a/b" and nothing else spells either.
 */
export interface SeparatePathsRule {
  readonly kind: 'separatePaths';
  readonly list: ValuesPath;
  /** The volume types whose `items` each have a `path`, in the order they are judged. */
  readonly within: readonly (typeof VOLUME_TYPES)[number][];
  readonly because: string;
  readonly breaks: Breaks;
}

export type CrossFieldRule = EmptyWhenRule | OrderRule | DistinctRule | UserNameRule | RefusedRule | DifferRule | OneKeyOfRule | MemberOfRule | SeparatePathsRule;

export const RELATION_WORDS = { atMost: 'at most', lessThan: 'less than', moreThan: 'more than' } as const;

/*
 * Each kind's line. The values it shows come in already written (`got`, `bound`, and the paths of list
 * items): the synth's JSON, or, for the chart, the printf verbs Helm fills in.
 */

export function emptyWhenLine(rule: EmptyWhenRule, got: string): string {
  return `${rule.path}: expected ${JSON.stringify(rule.empty)} when ${rule.whenText} (${rule.because}), got ${got}`;
}

export function orderLine(rule: OrderRule, shown: { bound: string; got: string }): string {
  const [label, notes] = 'path' in rule.bound ? [rule.bound.path, [shown.bound, rule.because]] : [shown.bound, [rule.because]];
  const said = notes.filter(Boolean).join('; ');
  return `${rule.path}: expected ${RELATION_WORDS[rule.relation]} ${label}${rule.when ? ` when ${rule.when.text}` : ''}${said ? ` (${said})` : ''}, got ${shown.got}`;
}

export function distinctLine(rule: DistinctRule, shown: { path: string; earlier: string; got: string }): string {
  return `${shown.path}: expected a ${rule.noun} other than ${shown.earlier}'s${rule.because ? ` (${rule.because})` : ''}, got ${shown.got} for both`;
}

export function userNameLines(rule: UserNameRule, shown: { path: string; got: string }): { reserved: string; secretLooking: string } {
  return {
    reserved: `${shown.path}: expected a ${rule.noun} other than ${rule.reserved.join(', ')} (set by the chart), got ${shown.got}`,
    secretLooking: `${shown.path}: expected a ${rule.noun} that does not look secret (put secrets in the Secret, AD-5), got ${shown.got}`,
  };
}

export function refusedLine(rule: RefusedRule, got: string): string {
  return `${rule.path}: expected ${rule.expected}, got ${got}`;
}

export function differLine(rule: DifferRule): string {
  return `${rule.path}: expected settings that differ from ${rule.from} (${rule.because}), got the same`;
}

/** An item's lines: `other` for a key that is none of `keys` (at `keyPath`), `count` when it has none or several. */
export function oneKeyOfLines(rule: OneKeyOfRule, shown: { item: string; keyPath: string; got: string; count: string }): { other: string; count: string } {
  const keys = rule.keys.join(', ');
  return {
    other: `${shown.keyPath}: expected a ${rule.noun} of ${keys} (${rule.because}), got ${shown.got}`,
    count: `${shown.item}: expected exactly one ${rule.noun} of ${keys}, got ${shown.count}`,
  };
}

export function memberOfLine(rule: MemberOfRule, shown: { path: string; got: string }): string {
  return `${shown.path}: expected the name of ${rule.noun} (${[...rule.fixed, `a ${rule.of.field} of ${rule.of.list}`].join(', ')}), got ${shown.got}`;
}

export function separatePathsLine(rule: SeparatePathsRule, shown: { path: string; earlier: string; got: string; earlierGot: string }): string {
  return `${shown.path}: expected a path apart from ${shown.earlier} (not the same, not inside it, not holding it: ${rule.because}), got ${shown.got} and ${shown.earlierGot}`;
}

/** Whether two paths of a separate-paths rule overlap: the same, or one a folder of the other. */
export function pathsOverlap(path: string, other: string): boolean {
  return path === other || path.startsWith(`${other}/`) || other.startsWith(`${path}/`);
}

/** The `items` of each `within` key of each list item, each with the path the message names, in the order the rule judges them. */
function separatePathGroups(rule: SeparatePathsRule, values: Values): { at: string; paths: string[] }[] {
  return (valueAtPath(values, rule.list) as Record<string, { items?: { path: string }[] } | undefined>[]).flatMap((item, index) =>
    rule.within.map((key) => ({ at: `${rule.list}[${index}].${key}.items`, paths: (item[key]?.items ?? []).map((entry) => entry.path) })),
  );
}

/** A value of `measure` as an amount to compare. */
function amountOf(measure: Measure, value: unknown): number {
  if (measure === 'cpu') return cpuMillicores(String(value));
  if (measure === 'memory') return memoryBytes(String(value));
  return Number(value);
}

/** Whether `value` breaks an order rule against `bound`. */
export function breaksOrder(rule: OrderRule, value: unknown, bound: unknown): boolean {
  const [amount, limit] = [amountOf(rule.measure, value), amountOf(rule.measure, bound)];
  if (rule.relation === 'atMost') return amount > limit;
  if (rule.relation === 'lessThan') return amount >= limit;
  return amount <= limit;
}

/** A quantity just above `quantity`, in its unit ("1024" to "1025", "64Ti" to "65Ti"). */
const justAbove = (quantity: string) => `${Number.parseInt(quantity, 10) + 1}${quantity.replace(/^[0-9]+/, '')}`;

/** A component's rules: its resources, probes, replicas, variables and rollout. */
function componentRules(component: Component): CrossFieldRule[] {
  const resources = ['cpu', 'memory'] as const;
  return [
    ...resources.map(
      (resource): OrderRule => ({
        kind: 'order',
        path: `${component}.resources.limits.${resource}`,
        measure: resource,
        relation: 'atMost',
        bound: { value: QUANTITY_CEILING[resource] },
        // A request above the ceiling is above its limit or its limit is too: the next rule refuses it.
        breaks: { [`a ${component} ${resource} limit above the ceiling`]: (values) => ((values[component].resources.limits[resource] = justAbove(QUANTITY_CEILING[resource])), `${component}.resources.limits.${resource}`) },
      }),
    ),
    ...resources.map(
      (resource): OrderRule => ({
        kind: 'order',
        path: `${component}.resources.requests.${resource}`,
        measure: resource,
        relation: 'atMost',
        bound: { path: `${component}.resources.limits.${resource}` },
        breaks: {
          [`a ${component} ${resource} request above its limit`]: (values) => {
            values[component].resources.limits[resource] = resource === 'cpu' ? '500m' : '1Gi';
            values[component].resources.requests[resource] = resource === 'cpu' ? '0.501' : '1025Mi';
            return `${component}.resources.requests.${resource}`;
          },
        },
      }),
    ),
    {
      kind: 'differ',
      path: `${component}.probes.liveness`,
      from: `${component}.probes.readiness`,
      because: 'identical probes restart a pod the moment it leaves the Service',
      mend: (values) => {
        const { readiness, liveness } = values[component].probes;
        liveness.periodSeconds = readiness.periodSeconds === 3600 ? 3599 : readiness.periodSeconds + 1;
      },
      breaks: { [`identical ${component} liveness and readiness probes`]: (values) => ((values[component].probes.liveness = { ...values[component].probes.readiness }), `${component}.probes.liveness`) },
    },
    {
      kind: 'order',
      path: `${component}.autoscaling.minReplicas`,
      measure: 'count',
      relation: 'atMost',
      bound: { path: `${component}.autoscaling.maxReplicas` },
      breaks: { [`more ${component} minimum than maximum replicas`]: (values) => ((values[component].autoscaling = { ...values[component].autoscaling, minReplicas: 6, maxReplicas: 3 }), `${component}.autoscaling.minReplicas`) },
    },
    {
      kind: 'userName',
      names: { list: `${component}.extraEnv`, field: 'name' },
      noun: 'name',
      reserved: reservedEnv(component),
      refusesSecretLooking: true,
      breaks: {
        [`a ${component} variable the model sets`]: (values) => ((values[component].extraEnv = [{ name: reservedEnv(component)[0], value: 'x' }]), `${component}.extraEnv[0].name`),
        [`a secret-looking ${component} variable`]: (values) => ((values[component].extraEnv = [{ name: 'GITHUB_TOKEN', value: 'x' }]), `${component}.extraEnv[0].name`),
      },
    },
    {
      kind: 'distinct',
      // config.extra reaches the container too (envFrom), and extraEnv would hide its value there.
      among: [{ keysOf: 'config.extra' }, { list: `${component}.extraEnv`, field: 'name' }],
      noun: 'name',
      because: 'each is one variable of the container',
      breaks: {
        [`a repeated ${component} variable`]: (values) => ((values[component].extraEnv = [{ name: 'A', value: '1' }, { name: 'A', value: '2' }]), `${component}.extraEnv[1].name`),
        [`a ${component} variable that is also a config key`]: (values) => ((values.config.extra = { FEATURE: 'on' }), (values[component].extraEnv = [{ name: 'FEATURE', value: 'off' }]), `${component}.extraEnv[0].name`),
      },
    },
    {
      kind: 'order',
      path: `${component}.rollingUpdate.maxUnavailable`,
      measure: 'count',
      relation: 'moreThan',
      bound: { value: 0 },
      when: { condition: { not: { greaterThan: [`${component}.rollingUpdate.maxSurge`, 0] } }, text: `${component}.rollingUpdate.maxSurge is 0` },
      because: 'a rollout could neither start a pod nor stop one',
      breaks: { [`a ${component} rollout that can neither start nor stop a pod`]: (values) => ((values[component].rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }), `${component}.rollingUpdate.maxUnavailable`) },
    },
    {
      kind: 'order',
      path: `${component}.preStopSleepSeconds`,
      measure: 'count',
      relation: 'lessThan',
      bound: { path: `${component}.terminationGracePeriodSeconds` },
      because: 'the pause is part of the grace period, and the app needs time to stop after it',
      breaks: { [`a ${component} preStop pause as long as the grace period`]: (values) => ((values[component].terminationGracePeriodSeconds = 10), (values[component].preStopSleepSeconds = 10), `${component}.preStopSleepSeconds`) },
    },
    {
      kind: 'emptyWhen',
      path: `${component}.service.nodePort`,
      empty: null,
      when: { equals: [`${component}.service.type`, 'ClusterIP'] },
      whenText: `${component}.service.type is ClusterIP`,
      because: 'only NodePort and LoadBalancer Services have node ports',
      breaks: { [`a ${component} node port on a ClusterIP Service`]: (values) => ((values[component].service = { ...values[component].service, type: 'ClusterIP', nodePort: 30080 }), `${component}.service.nodePort`) },
    },
  ];
}

/**
 * User labels and annotations only add: none names a key the chart sets (a label would change what a
 * selector matches, or fail to match it), and two settings that reach one object never name the same
 * key (one would silently hide the other).
 */
function ownKeys(keysOf: ValuesPath, reserved: readonly string[], what: string): UserNameRule {
  return {
    kind: 'userName',
    names: { keysOf },
    noun: 'key',
    reserved,
    // Their values are the user's business: Vault's agent-inject-secret-* annotations name secrets and hold none.
    refusesSecretLooking: false,
    breaks: { [`${what} the chart sets`]: (values) => ((setAt(values, keysOf, { [reserved[0]]: 'x' })), keyPath(keysOf, reserved[0])) },
  };
}

function sharedKeys(common: ValuesPath, own: ValuesPath, because: string): DistinctRule {
  return {
    kind: 'distinct',
    among: [{ keysOf: common }, { keysOf: own }],
    noun: 'key',
    because,
    breaks: { [`${own} naming a key of ${common}`]: (values) => (setAt(values, common, { team: 'a' }), setAt(values, own, { team: 'b' }), keyPath(own, 'team')) },
  };
}

function componentMetadataRules(component: Component): CrossFieldRule[] {
  return [
    ownKeys(`${component}.podLabels`, RESERVED_LABEL_KEYS, `a ${component} pod label`),
    sharedKeys('commonLabels', `${component}.podLabels`, `both label the ${component} pods`),
    ownKeys(`${component}.podAnnotations`, [CONFIG_CHECKSUM_ANNOTATION], `a ${component} pod annotation`),
    ownKeys(`${component}.serviceAccount.annotations`, RESERVED_ANNOTATION_KEYS, `a ${component} ServiceAccount annotation`),
    sharedKeys('commonAnnotations', `${component}.serviceAccount.annotations`, `both annotate the ${component}'s ServiceAccount`),
  ];
}

/** A component's extra volumes: each of one allowed type and a name of its own, each mount of a volume the pod has, on a path of its own. */
function componentVolumeRules(component: Component): CrossFieldRule[] {
  const volumes = `${component}.extraVolumes` as const;
  const mounts = `${component}.extraVolumeMounts` as const;
  const caBundle = { name: 'ca-bundle', configMap: { name: 'ca-bundle' } };
  return [
    {
      kind: 'oneKeyOf',
      list: volumes,
      besides: ['name'],
      keys: VOLUME_TYPES,
      noun: 'volume type',
      because: 'Pod Security "restricted" allows no hostPath or other node or network volume, and the chart takes no other',
      breaks: {
        [`a ${component} hostPath volume`]: (values) => ((values[component].extraVolumes = [{ name: 'host', hostPath: { path: '/etc' } } as never]), `${volumes}[0].hostPath`),
        [`a ${component} volume of two types`]: (values) => ((values[component].extraVolumes = [{ ...caBundle, emptyDir: {} }]), `${volumes}[0]`),
      },
    },
    {
      kind: 'userName',
      names: { list: volumes, field: 'name' },
      noun: 'name',
      reserved: COMPONENT_VOLUMES[component],
      refusesSecretLooking: false,
      breaks: { [`a ${component} volume named as the chart's`]: (values) => ((values[component].extraVolumes = [{ ...caBundle, name: COMPONENT_VOLUMES[component][0] }]), `${volumes}[0].name`) },
    },
    {
      kind: 'distinct',
      among: [{ list: volumes, field: 'name' }],
      noun: 'name',
      because: "the pod's volumes each have a name of their own",
      breaks: { [`two ${component} volumes of one name`]: (values) => ((values[component].extraVolumes = [caBundle, { name: 'ca-bundle', emptyDir: {} }]), `${volumes}[1].name`) },
    },
    {
      kind: 'memberOf',
      list: mounts,
      field: 'name',
      fixed: COMPONENT_VOLUMES[component],
      of: { list: volumes, field: 'name' },
      noun: 'a volume of the pod',
      breaks: { [`a ${component} mount of no volume`]: (values) => ((values[component].extraVolumeMounts = [{ name: 'missing', mountPath: '/etc/missing' }]), `${mounts}[0].name`) },
    },
    {
      kind: 'separatePaths',
      list: volumes,
      within: ['configMap', 'secret', 'downwardAPI'],
      because: 'the kubelet writes each item as a file of the volume, so one would overwrite the other or stand where its folder goes',
      breaks: {
        [`a ${component} volume of two items on one path`]: (values) => {
          values[component].extraVolumes = [{ ...caBundle, configMap: { name: 'ca-bundle', items: [{ key: 'ca.crt', path: 'ca.crt' }, { key: 'ca.pem', path: 'ca.crt' }] } }];
          return `${volumes}[0].configMap.items[1].path`;
        },
        [`a ${component} volume of an item inside another's path`]: (values) => {
          const fieldRef = (fieldPath: 'metadata.labels' | 'metadata.name') => ({ apiVersion: 'v1' as const, fieldPath });
          values[component].extraVolumes = [{ name: 'pod-info', downwardAPI: { items: [{ path: 'pod', fieldRef: fieldRef('metadata.labels') }, { path: 'pod/name', fieldRef: fieldRef('metadata.name') }] } }];
          return `${volumes}[0].downwardAPI.items[1].path`;
        },
      },
    },
    {
      kind: 'userName',
      names: { list: mounts, field: 'mountPath' },
      noun: 'path',
      reserved: [TMP_PATH],
      refusesSecretLooking: false,
      breaks: { [`a ${component} mount on the tmp volume's path`]: (values) => ((values[component].extraVolumes = [caBundle]), (values[component].extraVolumeMounts = [{ name: 'ca-bundle', mountPath: TMP_PATH }]), `${mounts}[0].mountPath`) },
    },
    {
      kind: 'distinct',
      among: [...(component === 'frontend' ? [{ path: 'frontend.nextCachePath' } as const] : []), { list: mounts, field: 'mountPath' }],
      noun: 'path',
      because: 'the API server refuses two mounts on one path',
      breaks: {
        [`two ${component} mounts on one path`]: (values) => {
          values[component].extraVolumes = [caBundle];
          values[component].extraVolumeMounts = [{ name: 'ca-bundle', mountPath: '/etc/ca' }, { name: 'ca-bundle', mountPath: '/etc/ca' }];
          return `${mounts}[1].mountPath`;
        },
      },
    },
  ];
}

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  ...COMPONENTS.flatMap(componentRules),
  ...COMPONENTS.flatMap(componentVolumeRules),
  ownKeys('commonLabels', RESERVED_LABEL_KEYS, 'a common label'),
  ownKeys('commonAnnotations', RESERVED_ANNOTATION_KEYS, 'a common annotation'),
  ...COMPONENTS.flatMap(componentMetadataRules),
  ownKeys('frontend.ingress.annotations', RESERVED_ANNOTATION_KEYS, 'an Ingress annotation'),
  sharedKeys('commonAnnotations', 'frontend.ingress.annotations', 'both annotate the Ingress'),
  {
    kind: 'userName',
    names: { keysOf: 'config.extra' },
    noun: 'key',
    reserved: RESERVED_CONFIG_KEYS,
    refusesSecretLooking: true,
    breaks: {
      'a reserved config key': (values) => ((values.config.extra = { CORS_ORIGINS: '*' }), 'config.extra.CORS_ORIGINS'),
      'a secret-looking config key': (values) => ((values.config.extra = { DB_PASSWORD: 'x' }), 'config.extra.DB_PASSWORD'),
    },
  },
  {
    kind: 'distinct',
    among: SECRET_FIELDS.map((field) => ({ path: `secret.keys.${field}` as const })),
    noun: 'key',
    breaks: { 'two Secret entries under one key': (values) => ((values.secret.keys.openaiApiKey = values.secret.keys.databaseUrl), 'secret.keys.openaiApiKey') },
  },
  {
    kind: 'refused',
    path: 'frontend.ingress.host',
    refused: /^[0-9.]+$/,
    expected: 'a DNS name, not an IP address',
    instead: 'todo.example.com',
    breaks: { 'an IP address as Ingress host': (values) => ((values.frontend.ingress = { ...values.frontend.ingress, enabled: true, host: '10.0.0.1' }), 'frontend.ingress.host') },
  },
  {
    kind: 'refused',
    path: 'frontend.ingress.path',
    // What the API server refuses in a `Prefix` path (found by the control plane tier).
    refused: /\/\/|\/\.\.?\/|%2[fF]|\/\.\.?$/,
    expected: 'a path without "//", "/./", "/../" or an encoded "/" (%2F), not ending in "/." or "/.."',
    instead: '/',
    breaks: {
      'an Ingress path with "//"': (values) => ((values.frontend.ingress.path = '/app//v1'), 'frontend.ingress.path'),
      'an Ingress path ending in "/.."': (values) => ((values.frontend.ingress.path = '/app/..'), 'frontend.ingress.path'),
    },
  },
  {
    kind: 'refused',
    path: 'frontend.nextCachePath',
    // Trailing slashes name the same folder.
    refused: new RegExp(`^${TMP_PATH}/*$`),
    expected: `a path other than ${JSON.stringify(TMP_PATH)}, where the tmp volume is mounted (the API server refuses two volumes on one path)`,
    instead: '/app/.next/cache',
    breaks: { 'the Next.js cache on the tmp volume': (values) => ((values.frontend.nextCachePath = '/tmp/'), 'frontend.nextCachePath') },
  },
  {
    kind: 'emptyWhen',
    path: 'secret.existingSecret',
    empty: '',
    when: { truthy: 'secret.create' },
    whenText: 'secret.create is true',
    because: 'the chart would create a Secret of its own',
    breaks: {
      'an existing Secret beside a created one': (values) => {
        values.secret = { ...values.secret, create: true, existingSecret: 'mine', values: { databaseUrl: 'a', openaiApiKey: 'b', betterAuthSecret: 'c' } };
        return 'secret.existingSecret';
      },
    },
  },
  {
    kind: 'emptyWhen',
    path: 'config.backendUrl',
    empty: '',
    when: { truthy: 'networkPolicy.enabled' },
    whenText: 'networkPolicy.enabled is true',
    because: "the frontend's egress policy lets it reach this release's backend only",
    breaks: { 'an outside backend behind NetworkPolicies': (values) => ((values.networkPolicy.enabled = true), (values.config.backendUrl = 'https://api.example.com'), 'config.backendUrl') },
  },
  {
    kind: 'emptyWhen',
    path: 'frontend.ingress.tlsSecretName',
    empty: '',
    when: { not: { truthy: 'frontend.ingress.host' } },
    whenText: 'frontend.ingress.host is empty',
    because: 'a certificate is for a host name: set the host',
    breaks: { 'a TLS certificate with no Ingress host': (values) => ((values.frontend.ingress = { ...values.frontend.ingress, enabled: true, host: '', tlsSecretName: 'todo-tls' }), 'frontend.ingress.tlsSecretName') },
  },
  {
    kind: 'distinct',
    among: [{ list: 'aiops.kagent.writeTools' }],
    noun: 'tool',
    // kagent would list the tool twice in the Agent, and in its approvals: once is what was meant.
    breaks: { 'a kagent write tool listed twice': (values) => ((values.aiops.kagent.writeTools = ['k8s_scale', 'k8s_scale']), 'aiops.kagent.writeTools[1]') },
  },
];

/** Sets the value at a values path: how a rule's `breaks` put a mapping in place. */
function setAt(values: Values, path: ValuesPath, value: unknown): void {
  const keys = path.split('.');
  const parent = (keys.length > 1 ? valueAtPath(values, keys.slice(0, -1).join('.')) : values) as Record<string, unknown>;
  parent[keys[keys.length - 1]] = value;
}

/** Whether a setting holds its rule's empty value (a null setting may also be left out). */
function isEmptyFor(rule: EmptyWhenRule, value: unknown): boolean {
  return rule.empty === null ? value === null || value === undefined : value === rule.empty;
}

/** The values a distinct rule compares, each with the path the message names, source by source; unset ones left out. */
export function distinctEntries(rule: DistinctRule, values: Values): [path: string, value: unknown][] {
  const entries = rule.among.flatMap((source): [string, unknown][] => {
    if ('path' in source) return [[source.path, valueAtPath(values, source.path)]];
    if ('keysOf' in source) return sortedKeys(values, source.keysOf).map((key) => [keyPath(source.keysOf, key), key]);
    const { list, field } = source;
    return (valueAtPath(values, list) as unknown[]).map((item, index) => [`${list}[${index}]${field ? `.${field}` : ''}`, field ? (item as Record<string, unknown>)[field] : item]);
  });
  return entries.filter(([, value]) => helmTruthy(value));
}

/** The path of a mapping's entry, as every message names it: `config.extra.KEY`, `commonLabels["app.kubernetes.io/name"]`. */
export function keyPath(mapping: ValuesPath, key: string): string {
  return formatPath([...mapping.split('.'), key]);
}

/** A mapping's keys in the order Helm's `range` visits them: sorted. */
function sortedKeys(values: Values, path: ValuesPath): string[] {
  return Object.keys(valueAtPath(values, path) as object).sort();
}

/** The names a user-name rule judges, each with the path the message names. Mapping keys in sorted order, as Helm's `range` visits them. */
function userNames(rule: UserNameRule, values: Values): [path: string, name: string][] {
  const { names } = rule;
  if ('keysOf' in names) return sortedKeys(values, names.keysOf).map((key) => [keyPath(names.keysOf, key), key]);
  return (valueAtPath(values, names.list) as Record<string, string>[]).map((item, index) => [`${names.list}[${index}].${names.field}`, item[names.field]]);
}

/** Why a user-name rule refuses `name`, if it does: a name the chart sets comes first. */
export function userNameRefusal(rule: UserNameRule, name: string): 'reserved' | 'secretLooking' | undefined {
  if (rule.reserved.includes(name)) return 'reserved';
  return rule.refusesSecretLooking && SECRET_LOOKING_NAME.test(name) ? 'secretLooking' : undefined;
}

/** One rule's problems with valid-schema values. */
function ruleProblems(rule: CrossFieldRule, values: Values): string[] {
  switch (rule.kind) {
    case 'emptyWhen': {
      const value = valueAtPath(values, rule.path);
      return evaluate(rule.when, values) && !isEmptyFor(rule, value) ? [emptyWhenLine(rule, JSON.stringify(value))] : [];
    }
    case 'order': {
      if (rule.when && !evaluate(rule.when.condition, values)) return [];
      const value = valueAtPath(values, rule.path);
      const bound = 'path' in rule.bound ? valueAtPath(values, rule.bound.path) : rule.bound.value;
      return breaksOrder(rule, value, bound) ? [orderLine(rule, { bound: JSON.stringify(bound), got: JSON.stringify(value) })] : [];
    }
    case 'distinct': {
      const entries = distinctEntries(rule, values);
      return entries.flatMap(([path, value], index) => {
        const earlier = entries.slice(0, index).find(([, other]) => JSON.stringify(other) === JSON.stringify(value));
        return earlier ? [distinctLine(rule, { path, earlier: earlier[0], got: JSON.stringify(value) })] : [];
      });
    }
    case 'userName':
      return userNames(rule, values).flatMap(([path, name]) => {
        const refused = userNameRefusal(rule, name);
        return refused ? [userNameLines(rule, { path, got: JSON.stringify(name) })[refused]] : [];
      });
    case 'refused': {
      const value = String(valueAtPath(values, rule.path));
      return rule.refused.test(value) ? [refusedLine(rule, JSON.stringify(value))] : [];
    }
    case 'differ':
      return JSON.stringify(valueAtPath(values, rule.path)) === JSON.stringify(valueAtPath(values, rule.from)) ? [differLine(rule)] : [];
    case 'oneKeyOf':
      return (valueAtPath(values, rule.list) as Record<string, unknown>[]).flatMap((item, index) => {
        const at = `${rule.list}[${index}]`;
        // Keys in sorted order, as Helm's `range` visits them.
        const other = Object.keys(item).sort().find((key) => !rule.besides.includes(key) && !rule.keys.includes(key));
        const shown = { item: at, keyPath: formatPath([...rule.list.split('.'), index, other ?? '']), got: JSON.stringify(other), count: '' };
        if (other !== undefined) return [oneKeyOfLines(rule, shown).other];
        const count = rule.keys.filter((key) => key in item).length;
        return count === 1 ? [] : [oneKeyOfLines(rule, { ...shown, count: String(count) }).count];
      });
    case 'separatePaths':
      return separatePathGroups(rule, values).flatMap(({ at, paths }) =>
        paths.flatMap((path, index) => {
          const earlier = paths.slice(0, index).findIndex((other) => pathsOverlap(path, other));
          return earlier < 0 ? [] : [separatePathsLine(rule, { path: `${at}[${index}].path`, earlier: `${at}[${earlier}].path`, got: JSON.stringify(path), earlierGot: JSON.stringify(paths[earlier]) })];
        }),
      );
    case 'memberOf': {
      const names = new Set([...rule.fixed, ...(valueAtPath(values, rule.of.list) as Record<string, unknown>[]).map((item) => item[rule.of.field])]);
      return (valueAtPath(values, rule.list) as Record<string, unknown>[]).flatMap((item, index) =>
        names.has(item[rule.field]) ? [] : [memberOfLine(rule, { path: `${rule.list}[${index}].${rule.field}`, got: JSON.stringify(item[rule.field]) })],
      );
    }
  }
}

export function crossFieldProblems(values: Values): Problem[] {
  return CROSS_FIELD_RULES.flatMap((rule) => ruleProblems(rule, values)).map((line) => {
    const split = line.indexOf(': ');
    return { path: line.slice(0, split), message: line.slice(split + 2) };
  });
}
