import { ValuesPath } from '../../config/conditions';
import {
  BINARY_SUFFIXES,
  CROSS_FIELD_RULES,
  CrossFieldRule,
  DECIMAL_SUFFIXES,
  DistinctSource,
  differLine,
  distinctLine,
  emptyWhenLine,
  Measure,
  memberOfLine,
  oneKeyOfLines,
  MEMORY_FACTORS,
  orderLine,
  refusedLine,
  SECRET_LOOKING_NAME,
  separatePathsLine,
  userNameLines,
} from '../../config/rules';
import { RELEASE_RULES, releaseProblemLine } from '../../config/schema';
import { describeAllowed, oneLine, PLAIN_KEY, withheld } from '../../config/errors';
import { JsonSchema, nonNull, schemaLeaves, valuesJsonSchema } from '../../config/json-schema';
import { CANONICAL_QUANTITY_HELPER, CHART_NAME } from '../../model/helpers';
import { helmCondition, helperComment, valuesExpression } from './chart-context';

export const VALIDATE_HELPER = `${CHART_NAME}.validate`;
/** The template that runs the checks, and so the one Helm names when one fails. */
export const VALIDATE_TEMPLATE = 'templates/validate.yaml';
const CPU_HELPER = `${CHART_NAME}.cpuMillicores`;
const MEMORY_HELPER = `${CHART_NAME}.memoryBytes`;
const WHOLE_SUFFIX_HELPER = `${CHART_NAME}.largestWholeSuffix`;
const SHOWN_HELPER = `${CHART_NAME}.shown`;
const KEY_PATH_HELPER = `${CHART_NAME}.keyPath`;

/** `(list mapping key)` as keyPath in src/config/rules.ts writes it: Go's %q quotes a key as JSON does (keys are printable ASCII). */
const keyPathOf = (mapping: string, key: string) => `(include "${KEY_PATH_HELPER}" (list "${mapping}" ${key}))`;

// Go's RE2 spells JavaScript's `i` flag as a `(?i)` prefix.
const GO_SECRET_LOOKING_NAME = `(?i)${SECRET_LOOKING_NAME.source}`;

/**
 * cpuMillicores, memoryBytes, canonicalCpu and canonicalMemory of src/config/rules.ts, step for step:
 * the schema has already checked the format, so a quantity is digits with at most one suffix (CPU: "m",
 * or a fraction of 3 digits).
 */
function quantityHelpers(): string {
  const decimal = DECIMAL_SUFFIXES.map((suffix) => JSON.stringify(suffix)).join(' ');
  const binary = BINARY_SUFFIXES.map((suffix) => JSON.stringify(suffix)).join(' ');
  const factors = Object.entries(MEMORY_FACTORS).map(([suffix, factor]) => `${JSON.stringify(suffix)} ${factor}`).join(' ');
  return `${helperComment('A CPU quantity ("500m", "0.5", "2") in millicores, as a float.')}
{{- define "${CPU_HELPER}" -}}
{{- if hasSuffix "m" . -}}
{{- trimSuffix "m" . | float64 -}}
{{- else -}}
{{- $parts := splitList "." . -}}
{{- $fraction := "" -}}
{{- if gt (len $parts) 1 -}}{{- $fraction = index $parts 1 -}}{{- end -}}
{{- addf (mulf (first $parts | float64) 1000) (printf "%s000" $fraction | trunc 3 | float64) -}}
{{- end -}}
{{- end }}

${helperComment('A memory quantity ("512Mi", "1G", "1024") in bytes, as a float.')}
{{- define "${MEMORY_HELPER}" -}}
{{- $suffix := regexFind "[A-Za-z]*$" . -}}
{{- mulf (trimSuffix $suffix . | float64) (index (dict ${factors}) $suffix) -}}
{{- end }}

${helperComment('(list amount suffix base larger-suffixes): the amount with the largest suffix it divides into evenly; "0" for zero.')}
{{- define "${WHOLE_SUFFIX_HELPER}" -}}
{{- $amount := index . 0 | int64 -}}
{{- $suffix := index . 1 -}}
{{- $base := index . 2 | int64 -}}
{{- $dividing := true -}}
{{- range $next := index . 3 -}}
{{- if and $dividing (ne $amount 0) (eq (mod $amount $base) 0) -}}
{{- $amount = div $amount $base -}}
{{- $suffix = $next -}}
{{- else -}}
{{- $dividing = false -}}
{{- end -}}
{{- end -}}
{{- if eq $amount 0 -}}0{{- else -}}{{- printf "%d%s" $amount $suffix -}}{{- end -}}
{{- end }}

${helperComment('A CPU quantity as the API server stores it ("0.5" as "500m"), so that kubectl apply finds nothing changed.')}
{{- define "${CANONICAL_QUANTITY_HELPER.cpu}" -}}
{{- include "${WHOLE_SUFFIX_HELPER}" (list (include "${CPU_HELPER}" . | float64 | int64) "m" 1000 (list "" ${decimal})) -}}
{{- end }}

${helperComment('A memory quantity as the API server stores it ("1024Mi" as "1Gi"), so that kubectl apply finds nothing changed.')}
{{- define "${CANONICAL_QUANTITY_HELPER.memory}" -}}
{{- $bytes := include "${MEMORY_HELPER}" . | float64 | int64 -}}
{{- if and (hasSuffix "i" .) (ge $bytes 1024) -}}
{{- include "${WHOLE_SUFFIX_HELPER}" (list $bytes "" 1024 (list ${binary})) -}}
{{- else -}}
{{- include "${WHOLE_SUFFIX_HELPER}" (list $bytes "" 1000 (list ${decimal})) -}}
{{- end -}}
{{- end }}`;
}

/**
 * RELEASE_RULES for `helm install NAME -n NAMESPACE`: the synth's line (Go's %q quotes as JSON does for
 * the characters Helm lets through in a name or namespace).
 */
function releaseChecks(): string {
  const checks = Object.entries(RELEASE_RULES).map(([field, rule]) => {
    const value = field === 'name' ? '.Release.Name' : '.Release.Namespace';
    const refused = [
      `(not (regexMatch ${JSON.stringify(rule.format.pattern.source)} ${value}))`,
      `(gt (len ${value}) ${rule.maxLength})`,
    ];
    const line = releaseProblemLine(field as keyof typeof RELEASE_RULES, '%q', (verb) => verb);
    return `{{- if or ${refused.join(' ')} -}}\n{{- fail (printf ${JSON.stringify(line)} ${value}) -}}\n{{- end -}}`;
  });
  return checks.join('\n');
}

/** The settings no message may show (`writeOnly`) that have a pattern: Helm's pattern message echoes the value. */
function withheldPatterns(schema: JsonSchema): { path: string[]; node: JsonSchema & { pattern: string } }[] {
  return schemaLeaves(schema).flatMap(({ path, node }) => {
    const leaf = nonNull(node);
    return leaf.writeOnly && leaf.pattern !== undefined ? [{ path, node: leaf as JsonSchema & { pattern: string } }] : [];
  });
}

/** `values.schema.json` as Helm gets it: a writeOnly value keeps its type and length, and its pattern is checked by the chart. */
export function chartValuesSchema(schema: JsonSchema): JsonSchema {
  const copy = structuredClone(schema);
  for (const { node } of withheldPatterns(copy)) delete (node as JsonSchema).pattern;
  return copy;
}

/** The patterns taken out of the chart's schema, checked with the synth's line, which shows no value. */
function withheldChecks(): string {
  return withheldPatterns(valuesJsonSchema())
    .map(({ path, node }) => {
      // Written as \u escapes (Go reads them in a string too): the template file stays free of raw line separators.
      const pattern = oneLine(JSON.stringify(node.pattern));
      const line = `${path.join('.')}: expected ${describeAllowed(node)}, got ${withheld('')}`;
      return `{{- if not (regexMatch ${pattern} .Values.${path.join('.')}) -}}\n{{- fail ${JSON.stringify(line)} -}}\n{{- end -}}`;
    })
    .join('\n');
}

/** A setting as Go template text. */
const setting = (path: ValuesPath) => valuesExpression(valuesJsonSchema(), path);

/**
 * A Helm `fail` with a rule's line, built by `line` from the shown values it is handed: each shown
 * value is the printf verb of one [verb, expression] of `shown`, in the line's order, and every other
 * "%" is written "%%".
 */
function failWith<Slots extends string>(shown: Readonly<Record<Slots, readonly [verb: string, expression: string]>>, line: (slots: Record<Slots, string>) => string): string {
  const names = Object.keys(shown) as Slots[];
  const slots = Object.fromEntries(names.map((name, index) => [name, `\u0000${index}\u0000`])) as Record<Slots, string>;
  const expressions: string[] = [];
  const format = line(slots)
    .replace(/%/g, '%%')
    .replace(/\u0000(\d+)\u0000/g, (_, index: string) => {
      const [verb, expression] = shown[names[Number(index)]];
      expressions.push(expression);
      return verb;
    });
  return `{{- fail (printf ${JSON.stringify(format)}${expressions.map((expression) => ` ${expression}`).join('')}) -}}`;
}

/** A Go template value as an amount to compare: the chart's quantity helpers compute what amountOf does. */
function amountOf(measure: Measure, value: string): string {
  if (measure === 'count') return `(int ${value})`;
  return `(include "${measure === 'cpu' ? CPU_HELPER : MEMORY_HELPER}" ${value} | float64)`;
}

/** How a value of `measure` is shown: a quoted quantity, or a count. */
function shownAs(measure: Measure, value: string): readonly [string, string] {
  return measure === 'count' ? ['%d', `(int ${value})`] : ['%q', value];
}

/** A string, a whole number or null as the synth's JSON shows it (Helm's toJson would escape "&", "<" and ">"). */
const asJson = (value: string) => ['%s', `(include "${SHOWN_HELPER}" ${value})`] as const;

/** One rule of CROSS_FIELD_RULES as Helm template text: the test of ruleProblems in src/config/rules.ts, failing with the same line. */
function ruleCheck(rule: CrossFieldRule): string {
  const block = (test: string, body: string) => `{{- if ${test} -}}\n${body}\n{{- end -}}`;
  switch (rule.kind) {
    case 'emptyWhen': {
      const value = setting(rule.path);
      // A number's empty is null (Go's nil, kind "invalid"); a string's is "".
      const set = rule.empty === null ? `(not (kindIs "invalid" ${value}))` : value;
      return block(`and (${helmCondition(rule.when, setting)}) ${set}`, failWith({ got: asJson(value) }, ({ got }) => emptyWhenLine(rule, got)));
    }
    case 'order': {
      const value = setting(rule.path);
      const bound = 'path' in rule.bound ? setting(rule.bound.path) : JSON.stringify(rule.bound.value);
      const comparison = { atMost: 'gt', lessThan: 'ge', moreThan: 'le' }[rule.relation];
      const broken = `${comparison} ${amountOf(rule.measure, value)} ${amountOf(rule.measure, bound)}`;
      const test = rule.when ? `and (${helmCondition(rule.when.condition, setting)}) (${broken})` : broken;
      if (!('path' in rule.bound)) {
        // A fixed bound is part of the line itself.
        const fixed = JSON.stringify(rule.bound.value);
        return block(test, failWith({ got: shownAs(rule.measure, value) }, ({ got }) => orderLine(rule, { bound: fixed, got })));
      }
      return block(test, failWith({ bound: shownAs(rule.measure, bound), got: shownAs(rule.measure, value) }, (shown) => orderLine(rule, shown)));
    }
    case 'distinct': {
      // Every source's [path, value] pairs in one list, in the synth's order; then each against those before it.
      const collect = (source: DistinctSource) => {
        const add = (path: string, value: string) => `{{- $entries = append $entries (list ${path} ${value}) -}}`;
        if ('path' in source) return add(JSON.stringify(source.path), setting(source.path));
        if ('keysOf' in source) return `{{- range $key, $_ := ${setting(source.keysOf)} -}}\n${add(keyPathOf(source.keysOf, '$key'), '$key')}\n{{- end -}}`;
        const field = source.field ? `.${source.field}` : '';
        return `{{- range $index, $item := ${setting(source.list)} -}}\n${add(`(printf "${source.list}[%d]${field}" $index)`, `$item${field}`)}\n{{- end -}}`;
      };
      const [path, value] = ['(index $entry 0)', '(index $entry 1)'];
      const [earlier, earlierValue] = ['(index $other 0)', '(index $other 1)'];
      return [
        '{{- $entries := list -}}',
        ...rule.among.map(collect),
        '{{- range $index, $entry := $entries -}}',
        '{{- range $other := slice $entries 0 $index -}}',
        block(
          `and ${value} ${earlierValue} (eq (toJson ${value}) (toJson ${earlierValue}))`,
          failWith({ path: ['%s', path], earlier: ['%s', earlier], got: asJson(value) }, (shown) => distinctLine(rule, shown)),
        ),
        '{{- end -}}',
        '{{- end -}}',
      ].join('\n');
    }
    case 'userName': {
      const { names } = rule;
      const [range, name, path] =
        'keysOf' in names
          ? [`{{- range $name, $_ := ${setting(names.keysOf)} -}}`, '$name', (slot: string) => slot]
          : [`{{- range $index, $item := ${setting(names.list)} -}}`, `$item.${names.field}`, (slot: string) => `${names.list}[${slot}].${names.field}`];
      const where: readonly [string, string] = 'keysOf' in names ? ['%s', keyPathOf(names.keysOf, '$name')] : ['%d', '$index'];
      const fail = (which: 'reserved' | 'secretLooking') => failWith({ where, got: ['%q', name] }, ({ where: slot, got }) => userNameLines(rule, { path: path(slot), got })[which]);
      return [
        range,
        `{{- if has ${name} (list ${rule.reserved.map((reserved) => JSON.stringify(reserved)).join(' ')}) -}}`,
        fail('reserved'),
        ...(rule.refusesSecretLooking ? [`{{- else if regexMatch ${JSON.stringify(GO_SECRET_LOOKING_NAME)} ${name} -}}`, fail('secretLooking')] : []),
        '{{- end -}}',
        '{{- end -}}',
      ].join('\n');
    }
    case 'refused':
      return block(`regexMatch ${JSON.stringify(rule.refused.source)} ${setting(rule.path)}`, failWith({ got: ['%q', setting(rule.path)] }, ({ got }) => refusedLine(rule, got)));
    case 'differ':
      return block(`eq (toJson ${setting(rule.path)}) (toJson ${setting(rule.from)})`, failWith({}, () => differLine(rule)));
    case 'oneKeyOf': {
      const quoted = (keys: readonly string[]) => keys.map((key) => JSON.stringify(key)).join(' ');
      const item = ['%s', `(printf "${rule.list}[%d]" $index)`] as const;
      const other = failWith({ keyPath: ['%s', `(include "${KEY_PATH_HELPER}" (list (printf "${rule.list}[%d]" $index) $other))`], got: ['%q', '$other'] }, (shown) =>
        oneKeyOfLines(rule, { ...shown, item: '', count: '' }).other,
      );
      const count = failWith({ item, count: ['%d', '$count'] }, (shown) => oneKeyOfLines(rule, { ...shown, keyPath: '', got: '' }).count);
      return [
        `{{- range $index, $item := ${setting(rule.list)} -}}`,
        // The first key (in sorted order, as the synth takes them) that is neither a type nor one of `besides`.
        '{{- $found := false -}}',
        '{{- $other := "" -}}',
        '{{- range $key, $_ := $item -}}',
        `{{- if and (not $found) (not (has $key (list ${quoted([...rule.besides, ...rule.keys])}))) -}}{{- $found = true -}}{{- $other = $key -}}{{- end -}}`,
        '{{- end -}}',
        block('$found', other),
        '{{- $count := 0 -}}',
        `{{- range $key := list ${quoted(rule.keys)} -}}{{- if hasKey $item $key -}}{{- $count = add1 $count -}}{{- end -}}{{- end -}}`,
        block('ne $count 1', count),
        '{{- end -}}',
      ].join('\n');
    }
    case 'separatePaths': {
      // A path's message names the first earlier one it overlaps, as the synth's does (a fail stops the range).
      const at = (slot: string) => ['%s', `(printf "${rule.list}[%d].%s.items[%d].path" $index $key ${slot})`] as const;
      const overlap = '(or (eq $path $other) (hasPrefix (printf "%s/" $other) $path) (hasPrefix (printf "%s/" $path) $other))';
      return [
        `{{- range $index, $item := ${setting(rule.list)} -}}`,
        `{{- range $key := list ${rule.within.map((key) => JSON.stringify(key)).join(' ')} -}}`,
        '{{- $paths := list -}}',
        '{{- range dig $key "items" (list) $item -}}{{- $paths = append $paths .path -}}{{- end -}}',
        '{{- range $number, $path := $paths -}}',
        '{{- range $earlier, $other := slice $paths 0 $number -}}',
        block(overlap, failWith({ path: at('$number'), earlier: at('$earlier'), got: ['%q', '$path'], earlierGot: ['%q', '$other'] }, (shown) => separatePathsLine(rule, shown))),
        '{{- end -}}',
        '{{- end -}}',
        '{{- end -}}',
        '{{- end -}}',
      ].join('\n');
    }
    case 'memberOf':
      return [
        `{{- $names := list ${rule.fixed.map((name) => JSON.stringify(name)).join(' ')} -}}`,
        `{{- range ${setting(rule.of.list)} -}}{{- $names = append $names .${rule.of.field} -}}{{- end -}}`,
        `{{- range $index, $item := ${setting(rule.list)} -}}`,
        block(`not (has $item.${rule.field} $names)`, failWith({ where: ['%d', '$index'], got: asJson(`$item.${rule.field}`) }, ({ where, got }) => memberOfLine(rule, { path: `${rule.list}[${where}].${rule.field}`, got }))),
        '{{- end -}}',
      ].join('\n');
  }
}

/**
 * The release's rules, the withheld patterns and CROSS_FIELD_RULES in the synth's order and with its
 * lines, so `helm install` refuses what the raw synth refuses (it stops at the first).
 */
export function validateHelper(): string {
  return `${quantityHelpers()}

${helperComment("A string, a whole number or null as the synth's error lines show it.")}
{{- define "${SHOWN_HELPER}" -}}
{{- if kindIs "string" . -}}{{- printf "%q" . -}}{{- else if kindIs "invalid" . -}}null{{- else -}}{{- printf "%d" (int .) -}}{{- end -}}
{{- end }}

${helperComment("(list mapping key): the path of a mapping's entry as the synth's lines name it, mapping.key for a plain key, else mapping[\"key\"].")}
{{- define "${KEY_PATH_HELPER}" -}}
{{- $key := index . 1 -}}
{{- if regexMatch ${JSON.stringify(PLAIN_KEY.source)} $key -}}{{- printf "%s.%s" (index . 0) $key -}}{{- else -}}{{- printf "%s[%q]" (index . 0) $key -}}{{- end -}}
{{- end }}

${helperComment('Fails with the synth\'s line for the first setting the synth refuses: the release, the secret values\' patterns, then the rules between settings.')}
{{- define "${VALIDATE_HELPER}" -}}
${releaseChecks()}
${withheldChecks()}
${CROSS_FIELD_RULES.map(ruleCheck).join('\n')}
{{- end }}`;
}
