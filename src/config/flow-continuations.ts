/*
 * go-yaml (Helm's reader) ignores indentation inside a quoted scalar or a [ ] / { } collection that
 * runs over several lines: `k: "a` then `b"` at column 0 reads as "a b" there, while the YAML spec
 * (and the `yaml` package) want the continuation lines indented below the key. A lone CR inside quotes
 * is such a line break too. This pass indents those continuation lines, which changes no value
 * (a quoted or flow scalar drops the leading white space of its continuation lines), so the file
 * reads as Helm reads it. A document marker (`---`, `...`) at column 0 stays where it is: both
 * readers refuse it inside a scalar.
 */

const DOCUMENT_MARKER = /^(---|\.\.\.)([ \t]|$)/;

/** Where the scan stands at the start of a line. */
interface Open {
  /** The quote the line continues inside, if any. */
  quote: '"' | "'" | undefined;
  /** How many [ or { are open. */
  depth: number;
  /** The column the continuation lines must reach: one past the outermost opener. */
  reach: number;
}

/** The text with each continuation line of a multi-line quoted scalar or flow collection indented. */
export function indentFlowContinuations(text: string): string {
  const open: Open = { quote: undefined, depth: 0, reach: 0 };
  // A block scalar's lines (| or >) are text, quotes and brackets included: kept as they are while
  // they are blank or indented past the line of their header.
  let blockScalarOf: number | undefined;
  return text
    .split('\n')
    .map((original) => {
      const indent = /^ */.exec(original)![0].length;
      if (blockScalarOf !== undefined) {
        if (original.trim() === '' || indent > blockScalarOf) return original;
        blockScalarOf = undefined;
      }
      const continues = open.quote !== undefined || open.depth > 0;
      const line = continues && indent < open.reach && !DOCUMENT_MARKER.test(original) ? ' '.repeat(open.reach - indent) + original : original;
      if (scanLine(line, open) && !continues) blockScalarOf = indent;
      return line;
    })
    .join('\n');
}

/** Reads one line, updating what is open at its end; true when it ends in a block scalar header. */
function scanLine(line: string, open: Open): boolean {
  // A node may start here: at the line's start, after `: `, `- `, `? `, a tag, an anchor, or [ { , in a collection.
  let nodeMayStart = open.quote === undefined;
  for (let column = 0; column < line.length; column++) {
    const char = line[column];
    if (open.quote === '"') {
      if (char === '\\') column++;
      else if (char === '"') open.quote = undefined;
      continue;
    }
    if (open.quote === "'") {
      if (char === "'" && line[column + 1] === "'") column++;
      else if (char === "'") open.quote = undefined;
      continue;
    }
    const before = column === 0 ? ' ' : line[column - 1];
    const after = line[column + 1] ?? ' ';
    if (char === ' ' || char === '\t') continue;
    if (char === '#' && (before === ' ' || before === '\t')) return false;
    if (nodeMayStart && (char === '"' || char === "'")) {
      if (open.depth === 0) open.reach = column + 1;
      open.quote = char;
      nodeMayStart = false;
    } else if ((nodeMayStart || open.depth > 0) && (char === '[' || char === '{')) {
      if (open.depth === 0) open.reach = column + 1;
      open.depth++;
      nodeMayStart = true;
    } else if (open.depth > 0 && (char === ']' || char === '}')) {
      open.depth--;
      nodeMayStart = false;
    } else if (open.depth > 0 && char === ',') {
      nodeMayStart = true;
    } else if ((char === ':' || char === '-' || char === '?') && (after === ' ' || after === '\t' || column + 1 === line.length)) {
      nodeMayStart = true;
    } else if (open.depth > 0 && char === ':') {
      nodeMayStart = true;
    } else if (nodeMayStart && (char === '!' || char === '&')) {
      // A tag or an anchor: the node itself follows the next space.
      while (column + 1 < line.length && line[column + 1] !== ' ') column++;
    } else if (nodeMayStart && open.depth === 0 && (char === '|' || char === '>')) {
      return true;
    } else {
      nodeMayStart = false;
    }
  }
  return false;
}
