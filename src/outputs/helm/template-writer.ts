import { stringify } from 'yaml';
import { ChartContext, MARKER, PLACEHOLDER_START, splitConditionalKey, valuesExpression, wholeMarker } from './chart-context';

/**
 * Writes synthesized objects that carry chart placeholders as Helm template text. Typed rendering:
 * numbers and booleans unquoted (`int` for integers), strings through `quote`, maps and lists of
 * settings entry by entry through `toJson` (lossless: `toYaml` folds long text, and writes a string such
 * as "1e310" or "yes" plain, which a reader takes for a number or a boolean), conditional keys
 * inside `if` blocks, so the chart renders the same data the raw synth writes.
 */
export class TemplateWriter {
  constructor(private readonly ctx: ChartContext) {}

  /** A whole YAML document (a template file's body or a map-valued helper). */
  document(value: Record<string, unknown>): string {
    return this.mapping(value, 0).join('\n');
  }

  /** A string-valued helper's body: literal text with `{{ }}` actions. */
  text(value: string): string {
    return value.replace(MARKER, (_whole, kind: string, argument: string) => {
      if (kind === 'choice') {
        const { condition, ifTrue, ifFalse } = this.ctx.choices[Number(argument)];
        // No whitespace trimming: inside text, spaces belong to the value.
        return `{{ if ${condition} }}${this.text(ifTrue)}{{ else }}${this.text(ifFalse)}{{ end }}`;
      }
      return `{{ ${this.expression(kind, argument)} }}`;
    });
  }

  /** The Go template expression for one placeholder. */
  private expression(kind: string, argument: string): string {
    switch (kind) {
      case 'value':
      case 'text':
        // Helm reads numbers from values files as floats and prints large ones as 1e+06: `int` keeps digits.
        return this.ctx.typeAt(argument) === 'integer' ? `${valuesExpression(this.ctx.schema, argument)} | int` : valuesExpression(this.ctx.schema, argument);
      case 'release':
        return `.Release.${argument}`;
      case 'include':
        return `include ${JSON.stringify(argument)} .`;
      case 'template':
        return this.ctx.templates[Number(argument)];
      default:
        throw new Error(`placeholder ${kind}:${argument} cannot stand in a YAML value; wrap it in a helper`);
    }
  }


  private isCollection(kind: string, argument: string): boolean {
    if (kind === 'include') return typeof this.ctx.helpers.get(argument)?.body === 'object';
    const type = kind === 'value' ? this.ctx.typeAt(argument) : undefined;
    return type === 'object' || type === 'array';
  }

  /** A scalar in a YAML value position: plain YAML, or a typed template action. */
  private scalar(value: unknown): string {
    if (typeof value !== 'string') return stringify(value).trimEnd();
    const placeholder = wholeMarker(value);
    if (placeholder) {
      const { kind, argument } = placeholder;
      const expression = this.expression(kind, argument);
      const type = kind === 'value' ? this.ctx.typeAt(argument) : 'string';
      return type === 'string' ? `{{ ${expression} | quote }}` : `{{ ${expression} }}`;
    }
    if (value.includes(PLACEHOLDER_START)) return this.interpolated(value);
    const plain = stringify(value, { lineWidth: 0 }).trimEnd();
    return plain.includes('\n') ? JSON.stringify(value) : plain;
  }

  /** A string mixing text and placeholders: `printf` with `%v` for each placeholder. */
  private interpolated(value: string): string {
    const args: string[] = [];
    const format = value.replace(/%/g, '%%').replace(MARKER, (_whole, kind: string, argument: string) => {
      const expression = this.expression(kind, argument);
      args.push(/\s/.test(expression) ? `(${expression})` : expression);
      return '%v';
    });
    return `{{ printf ${JSON.stringify(format)} ${args.join(' ')} | quote }}`;
  }

  private mapping(value: Record<string, unknown>, indent: number): string[] {
    return Object.entries(value).flatMap(([key, item]) => this.entry(key, item, indent));
  }

  private entry(key: string, value: unknown, indent: number): string[] {
    const pad = ' '.repeat(indent);
    const conditional = splitConditionalKey(key);
    if (conditional) {
      const test = this.ctx.conditions[Number(conditional.condition)];
      return [`${pad}{{- if ${test} }}`, ...this.entry(conditional.key, value, indent), `${pad}{{- end }}`];
    }
    const keyPlaceholder = wholeMarker(key);
    if (keyPlaceholder && this.isCollection(keyPlaceholder.kind, keyPlaceholder.argument)) {
      // A map setting or a map helper merged into fixed entries (ctx.merge).
      const expression = this.expression(keyPlaceholder.kind, keyPlaceholder.argument);
      // A helper's body is YAML already; at the start of a document it needs no new line.
      if (keyPlaceholder.kind === 'include') return [indent === 0 ? `{{ ${expression} }}` : `${pad}{{- ${expression} | nindent ${indent} }}`];
      return [`${pad}{{- range $key, $value := ${expression} }}`, `${pad}{{ $key | toJson }}: {{ $value | toJson }}`, `${pad}{{- end }}`];
    }
    const head = `${pad}${this.scalar(key)}:`;
    if (typeof value === 'string') {
      const placeholder = wholeMarker(value);
      if (placeholder && this.isCollection(placeholder.kind, placeholder.argument)) {
        const expression = this.expression(placeholder.kind, placeholder.argument);
        if (placeholder.kind === 'value') return [`${head} {{ toJson ${expression} }}`];
        return [head, `${pad}  {{- ${expression} | nindent ${indent + 2} }}`];
      }
    }
    if (Array.isArray(value)) return value.length === 0 ? [`${head} []`] : [head, ...this.sequence(value, indent + 2)];
    if (typeof value === 'object' && value !== null) {
      const lines = this.mapping(value as Record<string, unknown>, indent + 2);
      return lines.length === 0 ? [`${head} {}`] : [head, ...lines];
    }
    return [`${head} ${this.scalar(value)}`];
  }

  private sequence(items: unknown[], indent: number): string[] {
    const pad = ' '.repeat(indent);
    return items.flatMap((item) => {
      const placeholder = typeof item === 'string' ? wholeMarker(item) : undefined;
      if (placeholder && this.isCollection(placeholder.kind, placeholder.argument)) {
        // A list setting appended to fixed items (ctx.concat).
        const expression = this.expression(placeholder.kind, placeholder.argument);
        return [`${pad}{{- range ${expression} }}`, `${pad}- {{ toJson . }}`, `${pad}{{- end }}`];
      }
      if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
        const lines = this.mapping(item as Record<string, unknown>, indent + 2);
        if (lines.length === 0) return [`${pad}- {}`];
        const [first, ...rest] = lines;
        return first.trimStart().startsWith('{{-') ? [`${pad}-`, ...lines] : [`${pad}- ${first.trimStart()}`, ...rest];
      }
      if (Array.isArray(item)) return [`${pad}-`, ...this.sequence(item, indent + 2)];
      return [`${pad}- ${this.scalar(item)}`];
    });
  }
}
