import { Document, isScalar, parse, visit } from 'yaml';

/** Words go-yaml (kubectl's and Helm's reader) resolves to a boolean or null, besides YAML 1.1's and 1.2's own. */
const GO_YAML_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$/;
/** What Go's strconv reads as a number once go-yaml has dropped every "_": ints in any base, floats, inf and nan. */
const GO_NUMBER = /^[-+]?(0[bBoOxX][0-9a-fA-F]+|[0-9]+|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F.]+[pP][-+]?[0-9]+|inf|infinity|nan)$/i;
/** YAML 1.1 timestamps, which go-yaml turns into a time and back into other text. */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
/** YAML's own spellings of infinity and not-a-number. */
const YAML_SPECIAL_FLOAT = /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/;
/**
 * Names, paths and quantities: with a letter no number can hold (YAML's numbers use at most a-f, x, o, b,
 * e), and none of the characters that make structure, such text is a string to every reader unless a
 * pattern above matched it.
 */
const PLAIN_SAFE = /^[A-Za-z0-9._/-]*[g-zG-Z][A-Za-z0-9._/-]*$/;

/**
 * Whether a plain (unquoted) scalar with this text could be read as anything but this text: by YAML 1.2
 * (how the `yaml` package writes), by YAML 1.1, or by go-yaml, which kubectl uses. `yes`, `1_000`,
 * `0o17` and `2001-12-14` are each text to one reader and a boolean, number or date to another.
 */
function ambiguousWhenPlain(text: string): boolean {
  if (GO_YAML_WORDS.test(text) || GO_NUMBER.test(text.replace(/_/g, '')) || TIMESTAMP.test(text) || YAML_SPECIAL_FLOAT.test(text)) return true;
  // Parsing is the slow part, and most text is plainly a name.
  if (PLAIN_SAFE.test(text)) return false;
  try {
    // A reading that warns (`{{ .Values }}` reads as a mapping key) is a reading other than this text;
    // the warning itself is not for the user's terminal.
    return (['1.1', '1.2'] as const).some((version) => parse(text, { version, logLevel: 'error' }) !== text);
  } catch {
    return true;
  }
}

/** Several lines of printable text: a literal block keeps them readable, and every reader takes it as written. */
const READABLE_LINES = /^(?=[^]*\n)[^\r\t\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029]*$/;

/**
 * One object as YAML that every reader takes the same way: text of several lines is a literal block,
 * and a string that a plain scalar could mistake for another type is double-quoted. Without this, a ConfigMap value `yes` or a Secret key `1_000` would
 * reach the API server as a boolean or a number, and `kubectl apply` would fail.
 */
export function unambiguousYaml(object: object): string {
  const document = new Document(object, { aliasDuplicateObjects: false });
  visit(document, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      if (READABLE_LINES.test(node.value)) node.type = 'BLOCK_LITERAL';
      else if (ambiguousWhenPlain(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** Several objects as one multi-document YAML stream. */
export function yamlStream(objects: readonly object[]): string {
  return objects.map(unambiguousYaml).join('---\n');
}
