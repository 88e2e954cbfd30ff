import { EMPTY_WHEN_RULES, emptyWhenMessage, INGRESS_PATH_FORBIDDEN, INGRESS_PATH_MESSAGE, NEXT_CACHE_ON_TMP_MESSAGE, IP_ADDRESS, BINARY_SUFFIXES, DECIMAL_SUFFIXES, MEMORY_FACTORS, QUANTITY_CEILING, SECRET_LOOKING_NAME } from '../../config/rules';
import { RESERVED_CONFIG_KEYS, reservedEnv, TMP_PATH, TRAILING_SLASHES } from '../../config/environment';
import { COMPONENTS, RELEASE_RULES, releaseProblemLine, SECRET_FIELDS } from '../../config/schema';
import { describeAllowed, oneLine, withheld } from '../../config/errors';
import { JsonSchema, nonNull, schemaLeaves, valuesJsonSchema } from '../../config/json-schema';
import { CANONICAL_QUANTITY_HELPER, CHART_NAME } from '../../model/names';
import { helmCondition } from './chart-context';

export const VALIDATE_HELPER = `${CHART_NAME}.validate`;
/** The template that runs the checks, and so the one Helm names when one fails. */
export const VALIDATE_TEMPLATE = 'templates/validate.yaml';
const CPU_HELPER = `${CHART_NAME}.cpuMillicores`;
const MEMORY_HELPER = `${CHART_NAME}.memoryBytes`;
const WHOLE_SUFFIX_HELPER = `${CHART_NAME}.largestWholeSuffix`;

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
  return `{{- define "${CPU_HELPER}" -}}
{{- if hasSuffix "m" . -}}
{{- trimSuffix "m" . | float64 -}}
{{- else -}}
{{- $parts := splitList "." . -}}
{{- $fraction := "" -}}
{{- if gt (len $parts) 1 -}}{{- $fraction = index $parts 1 -}}{{- end -}}
{{- addf (mulf (first $parts | float64) 1000) (printf "%s000" $fraction | trunc 3 | float64) -}}
{{- end -}}
{{- end }}

{{- define "${MEMORY_HELPER}" -}}
{{- $suffix := regexFind "[A-Za-z]*$" . -}}
{{- mulf (trimSuffix $suffix . | float64) (index (dict ${factors}) $suffix) -}}
{{- end }}

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

{{- define "${CANONICAL_QUANTITY_HELPER.cpu}" -}}
{{- include "${WHOLE_SUFFIX_HELPER}" (list (include "${CPU_HELPER}" . | float64 | int64) "m" 1000 (list "" ${decimal})) -}}
{{- end }}

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

/** EMPTY_WHEN_RULES, each a Helm `if` on its condition and the setting, failing with the synth's line. */
function emptyWhenChecks(): string {
  return EMPTY_WHEN_RULES.map((rule) => {
    const setting = `.Values.${rule.path}`;
    const condition = helmCondition(rule.when, (path) => `.Values.${path}`);
    // A number's empty is null (Go's nil, kind "invalid"), printed as a number; a string's is "", quoted.
    const [set, got, shown] = rule.empty === null ? [`(not (kindIs "invalid" ${setting}))`, '%d', `(int ${setting})`] : [setting, '%q', setting];
    return `{{- if and (${condition}) ${set} -}}\n{{- fail (printf ${JSON.stringify(`${rule.path}: ${emptyWhenMessage(rule)} ${got}`)} ${shown}) -}}\n{{- end -}}`;
  }).join('\n');
}

/**
 * The cross-field rules of src/config/rules.ts, in the same order and with the same messages, so
 * `helm install` refuses what the raw synth refuses.
 */
export function validateHelper(): string {
  const list = (names: readonly string[]) => `list ${names.map((name) => JSON.stringify(name)).join(' ')}`;
  const reservedByComponent = `dict ${COMPONENTS.map((component) => `"${component}" (${list(reservedEnv(component))})`).join(' ')}`;
  const forbiddenPath = [
    ...INGRESS_PATH_FORBIDDEN.within.map((part) => `(contains ${JSON.stringify(part)} $path)`),
    ...INGRESS_PATH_FORBIDDEN.atEnd.map((end) => `(hasSuffix ${JSON.stringify(end)} $path)`),
  ].join(' ');
  return `${quantityHelpers()}

{{- define "${VALIDATE_HELPER}" -}}
${releaseChecks()}
${withheldChecks()}
{{- $reservedEnv := ${reservedByComponent} -}}
{{- range $component := list "backend" "frontend" -}}
{{- $resources := (index $.Values $component).resources -}}
{{- $ceilings := dict "cpu" ${JSON.stringify(QUANTITY_CEILING.cpu)} "memory" ${JSON.stringify(QUANTITY_CEILING.memory)} -}}
{{- range $kind := list "requests" "limits" -}}
{{- range $resource, $helper := dict "cpu" "${CPU_HELPER}" "memory" "${MEMORY_HELPER}" -}}
{{- $quantity := index (index $resources $kind) $resource -}}
{{- if gt (include $helper $quantity | float64) (include $helper (index $ceilings $resource) | float64) -}}
{{- fail (printf "%s.resources.%s.%s: expected at most %q, got %q" $component $kind $resource (index $ceilings $resource) $quantity) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $resource, $helper := dict "cpu" "${CPU_HELPER}" "memory" "${MEMORY_HELPER}" -}}
{{- $request := index $resources.requests $resource -}}
{{- $limit := index $resources.limits $resource -}}
{{- if gt (include $helper $request | float64) (include $helper $limit | float64) -}}
{{- fail (printf "%s.resources.requests.%s: expected at most the limit %q, got %q" $component $resource $limit $request) -}}
{{- end -}}
{{- end -}}
{{- $probes := (index $.Values $component).probes -}}
{{- if eq (toJson $probes.readiness) (toJson $probes.liveness) -}}
{{- fail (printf "%s.probes.liveness: expected settings that differ from probes.readiness (identical probes restart a pod the moment it leaves the Service), got the same" $component) -}}
{{- end -}}
{{- $autoscaling := (index $.Values $component).autoscaling -}}
{{- if gt (int $autoscaling.minReplicas) (int $autoscaling.maxReplicas) -}}
{{- fail (printf "%s.autoscaling.minReplicas: expected at most maxReplicas (%d), got %d" $component (int $autoscaling.maxReplicas) (int $autoscaling.minReplicas)) -}}
{{- end -}}
{{- $seen := dict -}}
{{- $reserved := index $reservedEnv $component -}}
{{- range $index, $env := (index $.Values $component).extraEnv -}}
{{- if has $env.name $reserved -}}
{{- fail (printf "%s.extraEnv[%d].name: expected a name other than %s (set by the chart), got %q" $component $index (join ", " $reserved) $env.name) -}}
{{- else if regexMatch ${JSON.stringify(GO_SECRET_LOOKING_NAME)} $env.name -}}
{{- fail (printf "%s.extraEnv[%d].name: expected a name that does not look secret (put secrets in the Secret, AD-5), got %q" $component $index $env.name) -}}
{{- else if hasKey $seen $env.name -}}
{{- fail (printf "%s.extraEnv[%d].name: expected each name once, got %q twice" $component $index $env.name) -}}
{{- end -}}
{{- $_ := set $seen $env.name true -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := .Values.config.extra -}}
{{- if has $key (${list(RESERVED_CONFIG_KEYS)}) -}}
{{- fail (printf "config.extra.%s: expected a key other than ${RESERVED_CONFIG_KEYS.join(', ')} (set by the chart), got %q" $key $key) -}}
{{- else if regexMatch ${JSON.stringify(GO_SECRET_LOOKING_NAME)} $key -}}
{{- fail (printf "config.extra.%s: expected a key that does not look secret (put secrets in the Secret, AD-5), got %q" $key $key) -}}
{{- end -}}
{{- end -}}
{{- $keys := .Values.secret.keys -}}
{{- $fields := list ${SECRET_FIELDS.map((field) => JSON.stringify(field)).join(' ')} -}}
{{- range $index, $field := $fields -}}
{{- range $earlier := slice $fields 0 $index -}}
{{- if eq (index $keys $field) (index $keys $earlier) -}}
{{- fail (printf "secret.keys.%s: expected a key other than secret.keys.%s's, got %q for both" $field $earlier (index $keys $field)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if regexMatch ${JSON.stringify(IP_ADDRESS.source)} .Values.frontend.ingress.host -}}
{{- fail (printf "frontend.ingress.host: expected a DNS name, not an IP address, got %q" .Values.frontend.ingress.host) -}}
{{- end -}}
{{- $path := .Values.frontend.ingress.path -}}
{{- if or ${forbiddenPath} -}}
{{- fail (printf "frontend.ingress.path: ${INGRESS_PATH_MESSAGE.replace(/"/g, '\\"').replace(/%/g, '%%')}, got %q" $path) -}}
{{- end -}}
${emptyWhenChecks()}
{{- range $component := list "backend" "frontend" -}}
{{- $settings := index $.Values $component -}}
{{- if and (eq (int $settings.rollingUpdate.maxSurge) 0) (eq (int $settings.rollingUpdate.maxUnavailable) 0) -}}
{{- fail (printf "%s.rollingUpdate.maxUnavailable: expected more than 0 when %s.rollingUpdate.maxSurge is 0 (a rollout could neither start a pod nor stop one), got 0" $component $component) -}}
{{- end -}}
{{- if ge (int $settings.preStopSleepSeconds) (int $settings.terminationGracePeriodSeconds) -}}
{{- fail (printf "%s.preStopSleepSeconds: expected less than %s.terminationGracePeriodSeconds (%d: the pause is part of the grace period, and the app needs time to stop after it), got %d" $component $component (int $settings.terminationGracePeriodSeconds) (int $settings.preStopSleepSeconds)) -}}
{{- end -}}
{{- end -}}
{{- $tools := .Values.aiops.kagent.writeTools -}}
{{- range $index, $tool := $tools -}}
{{- if has $tool (slice $tools 0 $index) -}}
{{- fail (printf "aiops.kagent.writeTools[%d]: expected each tool once, got %q twice" $index $tool) -}}
{{- end -}}
{{- end -}}
{{- if eq (regexReplaceAll ${JSON.stringify(TRAILING_SLASHES.source)} .Values.frontend.nextCachePath "") ${JSON.stringify(TMP_PATH)} -}}
{{- fail (printf ${JSON.stringify(`frontend.nextCachePath: ${NEXT_CACHE_ON_TMP_MESSAGE}, got %q`)} .Values.frontend.nextCachePath) -}}
{{- end -}}
{{- end }}`;
}
