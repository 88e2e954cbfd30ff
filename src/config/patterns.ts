/**
 * The string formats a setting may take. Each regex is written for both JavaScript and Go's RE2 (Helm
 * validates `values.schema.json` with a Go library), so no look-arounds or back-references.
 * `allowed` is the human wording used in error messages.
 */
export interface Format {
  readonly pattern: RegExp;
  readonly allowed: string;
}

function format(pattern: RegExp, allowed: string): Format {
  return { pattern, allowed };
}

export const formats = {
  dnsLabel: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit'),
  dnsLabelStartingWithLetter: format(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit'),
  dnsSubdomain: format(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'a DNS-1123 subdomain: lowercase letters, digits, "-" and "."'),
  imageRepository: format(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*$/, 'an image repository without tag, such as "todo-chatbot-backend" or "ghcr.io/acme/todo-chatbot-backend"'),
  imageRegistry: format(
    /^([a-z0-9]+([.-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*)?$/,
    'empty, or a registry host with an optional port and path, such as "registry.example.com:5000" or "harbor.example.com/mirror"',
  ),
  imageTag: format(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag: letters, digits, "_", "." and "-", at most 128 characters'),
  imageDigest: format(/^(sha256:[a-f0-9]{64})?$/, 'empty, or an image digest "sha256:" followed by 64 lowercase hex digits'),
  cpuQuantity: format(/^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$/, 'a CPU quantity such as "250m" or "1"'),
  memoryQuantity: format(/^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'a memory quantity such as "256Mi" or "1Gi"'),
  envName: format(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name: letters, digits and "_", not starting with a digit'),
  secretKey: format(/^\.?[-_a-zA-Z0-9][-._a-zA-Z0-9]*$/, 'a Secret key: letters, digits, "-", "_" and ".", not "." or ".." or starting with ".."'),
  httpPath: format(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'an HTTP path starting with "/"'),
  absolutePath: format(/^\/[A-Za-z0-9._/-]*$/, 'an absolute file path such as "/app/.next/cache"'),
  // Helm reads values as YAML 1.1, where U+0085, U+2028 and U+2029 break lines (and eat the space before
  // them): refusing them keeps Helm and the raw synth reading the same text.
  freeText: format(/^[^\u0085\u2028\u2029]*$/, 'a string without the line separators U+0085, U+2028 and U+2029'),
  // A label or annotation key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters.
  qualifiedName: format(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'a label or annotation key: an optional DNS subdomain and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  ),
  labelValue: format(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit'),
  // Folders below a volume's root: no "." or ".." part, no leading or trailing "/".
  relativePath: format(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, 'a relative path such as "certs/ca.crt": letters, digits, "-", "_" and ".", no part starting with "."'),
  mountPath: format(/^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/, 'an absolute path such as "/etc/ssl/custom", not "/": letters, digits, "-", "_" and ".", no part starting with ".", no trailing "/"'),
  // A label value too (the API server checks both): no sign.
  wholeNumber: format(/^(0|[1-9][0-9]{0,17})$/, 'a whole number, such as "3"'),
  backendUrl: format(/^(https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?)?$/, 'empty (derived from the backend Service), or an http(s) URL such as "http://api.example.com:8000"'),
} as const;

/** The same format, or the empty string (for "empty means derive it" settings). */
export function orEmpty(fmt: Format): Format {
  const body = fmt.pattern.source.replace(/^\^/, '').replace(/\$$/, '');
  return format(new RegExp(`^(${body})?$`), `empty, or ${fmt.allowed}`);
}

/**
 * A pattern's source as the JSON schema carries it: Go's regexp (Helm's validator) knows no `\uXXXX`
 * escape, so those become the characters themselves, which both regexp dialects accept.
 */
export function schemaPattern(pattern: RegExp | string): string {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  return source.replace(/\\u([0-9a-fA-F]{4})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Wording of a pattern met in a JSON schema, for error messages. */
export function allowedForPattern(source: string): string | undefined {
  for (const fmt of Object.values(formats)) {
    if (schemaPattern(fmt.pattern) === schemaPattern(source)) return fmt.allowed;
    const empty = orEmpty(fmt);
    if (schemaPattern(empty.pattern) === schemaPattern(source)) return empty.allowed;
  }
  return undefined;
}
