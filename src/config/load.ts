import { readFileSync } from 'node:fs';
import { Document, isMap, isScalar, LineCounter, Node, parseAllDocuments, ScalarTag, Tags, visit } from 'yaml';
import { ConfigError, describeIssues } from './errors';
import { valuesJsonSchema } from './json-schema';
import { deepMerge, isPlainObject } from './merge';
import { DEFAULT_PROFILE, PROFILE_NAMES, ProfileName, profiles } from './profiles';
import { crossFieldProblems } from './rules';
import { clusterNamespaceLine, Release, releaseProblemLine, releaseSchema, Values, valuesSchema } from './schema';

export interface Settings {
  readonly release: Release;
  readonly values: Values;
}

export interface LoadOptions {
  /** @default "minikube" */
  readonly profile?: string;
  /** Values files merged over the profile in order, later wins (as `helm -f`). */
  readonly valuesFiles?: readonly string[];
  /** @default "todo-chatbot" */
  readonly releaseName?: string;
  /** @default "todo-chatbot" */
  readonly namespace?: string;
}

export const DEFAULT_RELEASE: Release = { name: 'todo-chatbot', namespace: 'todo-chatbot' };

/** Validates merged values; throws ConfigError with one line per problem. */
export function validateValues(input: unknown): Values {
  const parsed = valuesSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, valuesJsonSchema(), input));
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems.map(({ path, message }) => `${path}: ${message}`));
  return parsed.data;
}

export function validateRelease(input: Release): Release {
  const parsed = releaseSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path[0] as keyof Release))];
  const onlyClusterOwned = (field: keyof Release) => field === 'namespace' && parsed.error.issues.every((issue) => issue.path[0] !== field || issue.code === 'custom');
  throw new ConfigError(fields.map((field) => (onlyClusterOwned(field) ? clusterNamespaceLine(String(input[field])) : releaseProblemLine(field, String(input[field])))));
}

// Alias expansion is capped so a "billion laughs" file fails fast instead of exhausting memory.
const MAX_ALIAS_COUNT = 100;

/**
 * The YAML 1.1 tags as go-yaml (Helm's reader) resolves plain scalars: a date such as 2001-12-14 stays
 * text, and 0o17 is an octal integer as 017 is.
 */
const GO_OCTAL: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+]?0o[0-7_]+$/,
  identify: (value) => typeof value === 'number',
  resolve: (text) => (text.startsWith('-') ? -1 : 1) * parseInt(text.replace(/^[-+]?0o/, '').replace(/_/g, ''), 8),
};

function asGoYamlReadsThem(tags: Tags): Tags {
  return [GO_OCTAL, ...tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp')];
}

/** The first key that repeats an earlier key of the same mapping, if any (scalar keys, compared by value). */
function firstRepeatedKey(document: Document): Node | undefined {
  let repeated: Node | undefined;
  visit(document, {
    Map(_key, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        // By text, as the keys of the values object: 1 and "1" are one key there.
        const value = isScalar(key) ? String(key.value) : key;
        if (seen.has(value)) {
          repeated = key as Node;
          return visit.BREAK;
        }
        seen.add(value);
      }
      return undefined;
    },
  });
  return repeated;
}

export function readValuesFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([`${file}: cannot read values file: ${reason}`]);
  }
  // YAML 1.1, as Helm reads values files (`yes`/`on` are booleans there too), with go-yaml's own
  // readings where they differ. Repeated keys are found below in one pass: the parser's own check
  // compares every key with every other (seconds for a file of 40,000 keys).
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { version: '1.1', customTags: asGoYamlReadsThem, uniqueKeys: false, prettyErrors: false, lineCounter });
  const [document, second] = Array.isArray(documents) ? documents : [];
  for (const { errors } of [document, second].filter((parsed): parsed is Document.Parsed => parsed !== undefined)) {
    const syntaxError = errors[0];
    if (syntaxError) {
      const line = syntaxError.linePos?.[0];
      const where = line ? `:${line.line}:${line.col}` : '';
      throw new ConfigError([`${file}${where}: not valid YAML: ${syntaxError.message.split('\n')[0]}`]);
    }
  }
  const directive = /^%\S*/m.exec(text);
  if (directive && document?.directives?.docStart) {
    const { line, col } = lineCounter.linePos(directive.index);
    // Helm 4's reader stops at a directive; Helm 3's reads past it: refused, so a file means one thing.
    throw new ConfigError([`${file}:${line}:${col}: expected no YAML directive, got ${JSON.stringify(directive[0])} (Helm 4 cannot read a values file that has one)`]);
  }
  if (second) {
    // Helm 3 reads the first document of such a file and Helm 4 the last: neither is what a user meant.
    const { line, col } = lineCounter.linePos(second.range[0]);
    throw new ConfigError([`${file}:${line}:${col}: expected one YAML document, got a second one (Helm 3 would read the first, Helm 4 the last): use one file per document`]);
  }
  if (!document) return {};
  const repeated = firstRepeatedKey(document);
  if (repeated) {
    const { line, col } = lineCounter.linePos(repeated.range?.[0] ?? 0);
    throw new ConfigError([`${file}:${line}:${col}: not valid YAML: Map keys must be unique`]);
  }
  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ConfigError([`${file}: not usable YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  // An empty file (or one of comments, a lone "---", a null) sets nothing, as with Helm.
  if (content === null || content === undefined) return {};
  if (!isPlainObject(content)) {
    const got = `a ${Array.isArray(content) ? 'list' : typeof content}`;
    throw new ConfigError([`${file}: expected a mapping of values at the top level, got ${got}`]);
  }
  return content;
}

export function profileValues(profile: string): Values {
  if (!(PROFILE_NAMES as string[]).includes(profile)) {
    throw new ConfigError([`--profile: expected one of ${PROFILE_NAMES.map((name) => JSON.stringify(name)).join(', ')}, got ${JSON.stringify(profile)}`]);
  }
  return profiles[profile as ProfileName];
}

/** The settings for one synth: a profile, then each values file over it, then validation. */
export function loadSettings(options: LoadOptions = {}): Settings {
  const base = profileValues(options.profile ?? DEFAULT_PROFILE);
  const merged = (options.valuesFiles ?? []).reduce<unknown>((values, file) => deepMerge(values, readValuesFile(file)), base);
  const release = validateRelease({
    name: options.releaseName ?? DEFAULT_RELEASE.name,
    namespace: options.namespace ?? DEFAULT_RELEASE.namespace,
  });
  return { release, values: validateValues(merged) };
}
