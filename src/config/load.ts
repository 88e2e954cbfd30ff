import { readFileSync } from 'node:fs';
import { Document, isAlias, isMap, isScalar, LineCounter, Node, parseAllDocuments, parseDocument, ScalarTag, Tags, visit } from 'yaml';
import { ConfigError, describeIssues } from './errors';
import { valuesJsonSchema } from './json-schema';
import { indentFlowContinuations } from './flow-continuations';
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

/**
 * An explicit `!!float` reads any number go-yaml reads, whole ones in any notation included (`!!float 1`
 * and `!!float 0o17` are 1 and 15 there; the YAML 1.1 float tags here only resolve a point or an exponent).
 * The text is read as a plain scalar would be; anything but a number is refused, as go-yaml does.
 */
const GO_EXPLICIT_FLOAT: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  resolve: (text, onError) => {
    const number = /\s/.test(text) ? undefined : parseDocument(text, { version: '1.1', customTags: asGoYamlReadsThem, logLevel: 'error' }).toJS();
    if (typeof number !== 'number') onError('expected a number for !!float');
    return number;
  },
};

/** `!!binary`: go-yaml hands Helm the decoded bytes as text, so a base64 value reads as what it encodes. */
const GO_BINARY: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  resolve: (text, onError) => {
    // Go's decoder skips line breaks only, and is strict: whole groups of four, padding only at the end.
    const encoded = text.replace(/[\r\n]/g, '');
    if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) onError('expected base64 for !!binary (whole groups of four characters)');
    return Buffer.from(encoded, 'base64').toString('utf8');
  },
};

/** `!!timestamp`: go-yaml takes a date or a date and time (Helm keeps the text); anything else is refused. */
const GO_TIMESTAMP: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  resolve: (text, onError) => {
    if (!/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?\s*(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/.test(text)) onError('expected a date for !!timestamp');
    return text;
  },
};

function asGoYamlReadsThem(tags: Tags): Tags {
  // Sexagesimal numbers (12:30 is 750 in YAML 1.1) stay text in go-yaml.
  const kept = tags.filter((tag) => typeof tag === 'string' || (!['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:binary'].includes(tag.tag) && tag.format !== 'TIME'));
  return [GO_OCTAL, ...kept, GO_EXPLICIT_FLOAT, GO_BINARY, GO_TIMESTAMP];
}

/** Where a mapping key Helm cannot read stands, and why: a repeated one, or one that is no text, number or boolean. */
interface KeyProblem {
  readonly at: number;
  readonly problem: string;
}

/** The first key of any mapping that Helm reads differently from the file or cannot read (one pass). */
function firstKeyProblem(document: Document): KeyProblem | undefined {
  let found: KeyProblem | undefined;
  visit(document, {
    Map(_key, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<string>();
      for (const { key: written, value } of map.items) {
        const at = (written as Node | null)?.range?.[0] ?? (value as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
        // An alias as a key (`*name :`) is the key it names.
        const key = isAlias(written) ? written.resolve(document) : written;
        // Helm turns a values mapping into JSON, whose keys are text: a null, a list or a mapping as
        // a key fails there ("unsupported map key", "invalid map key").
        if (!isScalar(key) || key.value === null) {
          const got = key === null || isScalar(key) ? 'null' : isMap(key) ? 'a mapping' : 'a list';
          found = { at, problem: `expected a key of text, a number or a boolean, got ${got} (Helm cannot read it)` };
          return visit.BREAK;
        }
        // By text, as the keys of the values object: 1 and "1", yes and true are one key there, and
        // which one Helm keeps differs between its versions.
        const text = String(key.value);
        if (seen.has(text)) {
          found = { at, problem: `expected each key once in a mapping, got ${JSON.stringify(text)} again (Helm would keep only one of them)` };
          return visit.BREAK;
        }
        seen.add(text);
      }
      return undefined;
    },
  });
  return found;
}

/** What YAML does not count as printable, as go-yaml checks it (c-printable of the YAML spec). */
const NOT_PRINTABLE = /[^\t\n\r\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The dotted path of the first infinite or NaN number in a read values file, if any. */
function nonFiniteNumberPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = nonFiniteNumberPath(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A document of nothing but comments and markers: no node written, not even `~` or a tag. */
function isEmptyDocument({ contents }: Document.Parsed): boolean {
  return contents === null || (isScalar(contents) && contents.type === 'PLAIN' && contents.source === '' && !contents.tag);
}

/** The block size at which Helm 4 loses a values file that has no line feed. */
const HELM_4_BLIND_SIZE = 4096;

export function readValuesFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([`${file}: cannot read values file: ${reason}`]);
  }
  // Helm 4 (4.1.4 measured) reads a file with no line feed as empty when its size is a multiple of
  // 4096 bytes, and says nothing; Helm 3 reads it. A JSON file written without a final newline is one.
  const bytes = Buffer.byteLength(text);
  if (bytes > 0 && bytes % HELM_4_BLIND_SIZE === 0 && !text.includes('\n')) {
    throw new ConfigError([`${file}: expected a line break in a file of ${bytes} bytes (Helm 4 reads a values file with none as empty when its size is a multiple of ${HELM_4_BLIND_SIZE}): end it with one`]);
  }
  // go-yaml refuses a file with a character YAML does not count as printable (a control character
  // other than tab and line breaks, DEL, C1 other than NEL), wherever it stands.
  const unprintable = NOT_PRINTABLE.exec(text);
  if (unprintable) {
    const before = text.slice(0, unprintable.index).split(/\r\n|\r|\n/);
    const code = unprintable[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new ConfigError([`${file}:${before.length}:${before[before.length - 1].length + 1}: expected printable characters only (YAML allows no control character but tab and line breaks), got U+${code}`]);
  }
  // go-yaml breaks lines at CRLF, at a lone CR (inside quotes too) and at NEL, LINE SEPARATOR and
  // PARAGRAPH SEPARATOR (YAML 1.1's line breaks): read as line feeds, the file has the structure Helm sees.
  text = text.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n');
  // Helm 4 splits the file into documents at every line that starts with ---, inside a quoted value
  // too, and refuses one with anything but a comment after it; Helm 3 reads `---x` as text.
  const separator = /^---(?![ \t]*(#.*)?$)/m.exec(text);
  if (separator) {
    const line = text.slice(0, separator.index).split('\n').length;
    throw new ConfigError([`${file}:${line}:1: expected a line that starts with --- to be a document separator, with nothing after it but a comment (Helm 4 cannot read it otherwise)`]);
  }
  text = indentFlowContinuations(text);
  // YAML 1.1, as Helm reads values files (`yes`/`on` are booleans there too), with go-yaml's own
  // readings where they differ. Repeated keys are found below in one pass: the parser's own check
  // compares every key with every other (seconds for a file of 40,000 keys).
  const lineCounter = new LineCounter();
  // Warnings are ours to judge (below), never printed by the library.
  const documents = parseAllDocuments(text, { version: '1.1', customTags: asGoYamlReadsThem, uniqueKeys: false, prettyErrors: false, lineCounter, logLevel: 'error' });
  const [document, ...later] = Array.isArray(documents) ? documents : [];
  for (const { errors } of [document, ...later].filter((parsed): parsed is Document.Parsed => parsed !== undefined)) {
    const syntaxError = errors[0];
    if (syntaxError) {
      const line = syntaxError.linePos?.[0];
      const where = line ? `:${line.line}:${line.col}` : '';
      throw new ConfigError([`${file}${where}: not valid YAML: ${syntaxError.message.split('\n')[0]}`]);
    }
  }
  // A standard tag (`!!int`, `!!bool`, ...) on text it cannot read: go-yaml refuses the file. A tag of
  // the file's own (`!mine`) it ignores, and so does this reader: the value reads as its text.
  const unreadable = document?.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED' && warning.message.includes('tag:yaml.org,2002:'));
  if (unreadable) {
    const line = unreadable.linePos?.[0];
    const tag = /tag:yaml\.org,2002:(\w+)/.exec(unreadable.message)?.[1];
    throw new ConfigError([`${file}${line ? `:${line.line}:${line.col}` : ''}: expected a value the tag !!${tag} reads, got one it cannot (Helm refuses the file)`]);
  }
  const directive = /^%\S*/m.exec(text);
  if (directive && document?.directives?.docStart) {
    const { line, col } = lineCounter.linePos(directive.index);
    // Helm 4's reader stops at a directive; Helm 3's reads past it: refused, so a file means one thing.
    throw new ConfigError([`${file}:${line}:${col}: expected no YAML directive, got ${JSON.stringify(directive[0])} (Helm 4 cannot read a values file that has one)`]);
  }
  // An empty document after the first (a trailing `---`) sets nothing for either Helm. One with
  // content is read by Helm 3 not at all and merged over the first by Helm 4: refused.
  const second = later.find((parsed) => !isEmptyDocument(parsed));
  if (second) {
    const { line, col } = lineCounter.linePos(second.range[0]);
    throw new ConfigError([`${file}:${line}:${col}: expected one YAML document, got a second one (Helm 3 would read only the first, Helm 4 merge them): use one file per document`]);
  }
  if (!document) return {};
  const keyProblem = firstKeyProblem(document);
  if (keyProblem) {
    const { line, col } = lineCounter.linePos(keyProblem.at);
    throw new ConfigError([`${file}:${line}:${col}: ${keyProblem.problem}`]);
  }
  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ConfigError([`${file}: not usable YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const infinite = nonFiniteNumberPath(content);
  // Helm turns values into JSON, which has no infinity and no NaN: it refuses the whole file.
  if (infinite !== undefined) throw new ConfigError([`${file}: ${infinite || '(top level)'}: expected a finite number (Helm cannot read .inf or .nan in a values file), got one`]);
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
