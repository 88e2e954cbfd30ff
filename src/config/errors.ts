import type { core } from 'zod';
import { JsonSchema, nonNull, schemaAt } from './json-schema';
import { allowedForPattern } from './patterns';

/**
 * Characters that end a line for some reader though JSON.stringify leaves them raw (NEL, the C1 controls,
 * LINE and PARAGRAPH SEPARATOR): shown escaped, as Helm's %q shows them, so an error stays one line.
 */
const LINE_BREAKING = /[\u0080-\u009f\u2028\u2029]/g;

/** One problem as one line: every character that could break it written as a \u escape. */
export function oneLine(problem: string): string {
  return problem.replace(LINE_BREAKING, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Bad input: one line per problem, each naming the field, the value and what is allowed. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const unique = [...new Set(problems.map(oneLine))];
    super(unique.join('\n'));
    this.problems = unique;
    this.name = 'ConfigError';
  }
}

/** A key a path names after a dot; any other goes in brackets, quoted (`commonLabels["app.kubernetes.io/name"]`). */
export const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    const key = String(segment);
    return PLAIN_KEY.test(key) ? (text ? `${text}.${key}` : key) : `${text}[${JSON.stringify(key)}]`;
  }, '');
}

/** A value as the user wrote it, short enough for one line. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A secret value (`writeOnly` in the schema) in words that do not show it: only what kind it is. */
export function withheld(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'text' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
  return `${kind} (not shown: a secret value)`;
}

function range(node: JsonSchema): string {
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

/** What a schema node allows, in words: "an integer from 1 to 65535", "one of "a", "b"". */
export function describeAllowed(schemaNode: JsonSchema): string {
  const node = nonNull(schemaNode);
  const orNull = node !== schemaNode ? ' or null' : '';
  // A choice of forms says what they are in its description.
  if (node.anyOf) return `${node.description ?? `one of ${node.anyOf.length} forms`}${orNull}`;
  if (node.const !== undefined) return `${JSON.stringify(node.const)}${orNull}`;
  if (node.enum) return `one of ${node.enum.map((option) => JSON.stringify(option)).join(', ')}${orNull}`;
  switch (node.type) {
    case 'integer':
      return `an integer${range(node)}${orNull}`;
    case 'number':
      return `a number${range(node)}${orNull}`;
    case 'boolean':
      return `true or false${orNull}`;
    case 'string': {
      const format = node.pattern ? allowedForPattern(node.pattern) ?? `a string matching ${node.pattern}` : 'a string';
      const most = node.maxLength !== undefined && !format.includes('at most') ? `at most ${node.maxLength} characters` : '';
      const least = node.minLength ? `at least ${node.minLength} character${node.minLength === 1 ? '' : 's'}` : '';
      const length = [least, most].filter(Boolean).join(', ');
      return `${format}${length ? ` (${length})` : ''}${orNull}`;
    }
    case 'array': {
      const least = node.minItems ? `at least ${node.minItems}` : '';
      const most = node.maxItems !== undefined ? `at most ${node.maxItems}` : '';
      const count = [least, most].filter(Boolean).join(' and ');
      return `a list${count ? ` of ${count} item${node.maxItems === 1 && !least ? '' : 's'}` : ''}${orNull}`;
    }
    default:
      return `a mapping${node.maxProperties !== undefined ? ` of at most ${node.maxProperties} entries` : ''}${orNull}`;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, segment) => (node as Record<PropertyKey, unknown> | undefined)?.[segment], input);
}

/** One clear line per zod issue, worded from the JSON schema so the chart and the CLI agree. */
export function describeIssues(issues: readonly core.$ZodIssue[], root: JsonSchema, input: unknown, prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    // Inside a choice of forms, what one form lacks says little: the line names the choice and its forms.
    const choice = issue.path.findIndex((_, index) => schemaAt(root, issue.path.slice(0, index + 1))?.anyOf !== undefined);
    if (choice >= 0) {
      const at = issue.path.slice(0, choice + 1);
      return `${formatPath([...prefix, ...at])}: expected ${describeAllowed(schemaAt(root, at) as JsonSchema)}, got ${show(valueAt(input, at))}`;
    }
    const path = [...prefix, ...issue.path];
    const node = schemaAt(root, issue.path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = Object.keys(node?.properties ?? {}).join(', ');
      return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key (allowed here: ${allowed})`);
    }
    if (issue.code === 'invalid_key') {
      const keyNode = node === undefined ? undefined : schemaAt(root, issue.path.slice(0, -1))?.propertyNames;
      const allowed = keyNode ? describeAllowed(keyNode) : 'a valid key';
      return `${formatPath(path)}: expected a key that is ${allowed}, got ${show(issue.path[issue.path.length - 1])}`;
    }
    const allowed = node ? describeAllowed(node) : issue.message;
    const value = valueAt(input, issue.path);
    return `${formatPath(path)}: expected ${allowed}, got ${node && nonNull(node).writeOnly ? withheld(value) : show(value)}`;
  });
}
