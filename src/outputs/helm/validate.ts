import { CONFIG_ENV, SECRET_ENV } from '../../config/rules';
import { CHART_NAME } from '../../model/names';

export const VALIDATE_HELPER = `${CHART_NAME}.validate`;

/**
 * The cross-field rules of src/config/rules.ts that a template can check, with the same messages, so
 * `helm install` refuses what the raw synth refuses. (Requests above limits are left to the API
 * server: Helm's template functions cannot compare quantities.)
 */
export function validateHelper(): string {
  const reserved = [...SECRET_ENV, ...CONFIG_ENV];
  const list = `list ${reserved.map((name) => JSON.stringify(name)).join(' ')}`;
  const reservedText = reserved.join(', ');
  return `{{- define "${VALIDATE_HELPER}" -}}
{{- $reserved := ${list} -}}
{{- range $component := list "backend" "frontend" -}}
{{- $autoscaling := (index $.Values $component).autoscaling -}}
{{- if gt (int $autoscaling.minReplicas) (int $autoscaling.maxReplicas) -}}
{{- fail (printf "%s.autoscaling.minReplicas: expected at most maxReplicas (%d), got %d" $component (int $autoscaling.maxReplicas) (int $autoscaling.minReplicas)) -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $index, $env := (index $.Values $component).extraEnv -}}
{{- if has $env.name $reserved -}}
{{- fail (printf "%s.extraEnv[%d].name: expected a name other than ${reservedText} (set by the chart), got %q" $component $index $env.name) -}}
{{- else if hasKey $seen $env.name -}}
{{- fail (printf "%s.extraEnv[%d].name: expected each name once, got %q twice" $component $index $env.name) -}}
{{- end -}}
{{- $_ := set $seen $env.name true -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := .Values.config.extra -}}
{{- if has $key $reserved -}}
{{- fail (printf "config.extra.%s: expected a key other than ${reservedText} (set by the chart), got %q" $key $key) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.secret.create .Values.secret.existingSecret -}}
{{- fail (printf "secret.existingSecret: expected \\"\\" when secret.create is true (the chart would create a Secret of its own), got %q" .Values.secret.existingSecret) -}}
{{- end -}}
{{- end }}`;
}
