import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { ConfigError } from '../src/config/errors';
import { loadSettings, readValuesFile } from '../src/config/load';
import { comparable, rawTemplate } from './support/equivalence';
import { helms, runHelm } from './support/helm';
import { parseManifests } from './support/kube';
import { scratchFolder } from './support/scratch';

/*
 * A values file means one thing: the synth reads it as Helm v4 and Helm v3 do. fast-check writes
 * values files as text (explicit tags, quoting styles, CRLF line endings, control characters,
 * line breaks inside values, indentation, key spellings), and each is read three ways: by the synth's reader, and by each Helm through a probe
 * chart whose one template is `{{ toJson .Values }}` (Helm's own reading, before any schema). All
 * three must refuse the file, or all read it as the same values, but for a key repeated under two
 * spellings, which the synth alone refuses. The run counts each kind of input it
 * wrote and fails when one is too rare, so the property cannot go hollow. VALUES_READING_RUNS sets the
 * number of files (CI sets more).
 */
const RUNS = Number(process.env.VALUES_READING_RUNS ?? (process.env.CI ? 300 : 120));
/** Files rendered through the whole chart: half as many, each a full `helm template` per Helm. */
const RENDERED_RUNS = Math.ceil(RUNS / 2);
const CHART = join(__dirname, '..', 'charts', 'todo-chatbot');

const TAGS = ['!!str', '!!int', '!!float', '!!bool', '!!null', '!!binary', '!!timestamp', '!local'];
const SCALARS = ['1', '07', '0o17', '0x1F', '1_000', '1.5', '.5', '1e3', '-0', '.inf', '.nan', 'true', 'yes', 'on', 'No', 'y', '~', 'null', '', 'x', 'aGk=', '2001-12-14', '12:30', '+1', '0b101', 'a b'];
/** C0 (tab and newline left out: they are layout), DEL and C1 characters. */
const CONTROL = [...Array.from({ length: 32 }, (_, code) => code).filter((code) => code !== 9 && code !== 10), 0x7f, ...Array.from({ length: 32 }, (_, index) => 0x80 + index)].map((code) => String.fromCharCode(code));

type Style = 'plain' | 'single' | 'double' | 'literal' | 'folded';

/** Keys that go-yaml reads as one another (`yes`/`true`, `1`/`"1"`/`0x1`), or cannot read at all (null, a list). */
const KEYS = ['yes', 'true', 'on', '1', '"1"', '0x1', '1.0', 'k0', "'k0'", '~', 'null', '[a]', '{a: 1}'];

interface Entry {
  readonly key: string | undefined;
  readonly tag: string | undefined;
  readonly text: string;
  readonly style: Style;
}

const entry: fc.Arbitrary<Entry> = fc.record({
  key: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...KEYS) }),
  tag: fc.option(fc.constantFrom(...TAGS), { nil: undefined, freq: 2 }),
  text: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SCALARS) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SCALARS), fc.constantFrom(...CONTROL)).map(([scalar, control]) => `${scalar}${control}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    // A line break inside the value: the next line starts at column 0 (go-yaml reads on inside quotes).
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SCALARS), fc.constantFrom(...SCALARS, '---', '#x')).map(([first, next]) => `${first}\n${next}`) },
  ),
  style: fc.constantFrom<Style>('plain', 'single', 'double', 'literal', 'folded'),
});

/** Plain scalars that start with a YAML indicator parse differently in go-yaml (`!]` is a tag there): not written. */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

function scalar({ tag, text, style }: Entry, indent: string): string {
  const tagged = tag ? `${tag} ` : '';
  switch (style) {
    case 'plain':
      return `${tagged}${INDICATOR_START.test(text) && !SCALARS.includes(text) ? `x${text}` : text}`;
    case 'single':
      return `${tagged}'${text.replace(/'/g, "''")}'`;
    case 'double':
      return `${tagged}"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    default:
      return `${tagged}${style === 'literal' ? '|' : '>'}\n${indent}  ${text}`;
  }
}

/** Two spellings of one key for go-yaml, written one after the other. */
const TWINS: readonly (readonly [string, string])[] = [['yes', 'true'], ['1', '"1"'], ['0x1', '1'], ['k', "'k'"], ['1.0', '1'], ['on', 'On']];

const file = fc.record({ twins: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...TWINS) }), entries: fc.array(entry, { minLength: 1, maxLength: 3 }), crlf: fc.boolean(), indent: fc.constantFrom('  ', '    '), nested: fc.boolean() });

type GeneratedFile = typeof file extends fc.Arbitrary<infer T> ? T : never;

function text({ twins, entries, crlf, indent, nested }: GeneratedFile): string {
  const pad = nested ? indent : '';
  const lines = [...(nested ? ['root:'] : []), ...(twins ?? []).map((key, index) => `${pad}${key}: ${index}`), ...entries.map((value, index) => `${pad}${value.key ?? `k${index}`}: ${scalar(value, pad)}`)];
  return `${lines.join('\n')}\n`.replace(/\n/g, crlf ? '\r\n' : '\n');
}

/** The same values written as ConfigMap entries (`config.extra.K0: ...`): the chart's schema and templates judge them too. */
function configEntriesText({ entries, crlf }: GeneratedFile): string {
  const pad = '    ';
  const lines = ['config:', '  extra:', ...entries.map((value, index) => `${pad}K${index}: ${scalar(value, pad)}`)];
  return `${lines.join('\n')}\n`.replace(/\n/g, crlf ? '\r\n' : '\n');
}

/**
 * All readers agree, or Helm's versions disagree with each other and the synth refuses (only a refusal
 * then means one thing). False when Helm's versions disagreed.
 */
function expectAgreement(content: string, outcome: Record<string, unknown>): boolean {
  const helmReadings = Object.entries(outcome).filter(([reader]) => reader !== 'synth');
  const helmsAgree = helmReadings.every(([, reading]) => isDeepStrictEqual(reading, helmReadings[0][1]));
  const expected = helmsAgree ? Object.fromEntries(Object.keys(outcome).map((key) => [key, outcome.synth])) : { ...outcome, synth: 'refused' };
  expect({ content, outcome }).toEqual({ content, outcome: expected });
  return helmsAgree;
}

describe('values files read as Helm reads them (differential, helm v4 and v3)', () => {
  const scratch = scratchFolder('values-reading');
  const probe = join(scratch, 'probe');
  mkdirSync(join(probe, 'templates'), { recursive: true });
  writeFileSync(join(probe, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
  writeFileSync(join(probe, 'templates', 'read.yaml'), '{{ toJson .Values }}\n');

  const HELMS = helms();
  const valuesPath = join(scratch, 'values.yaml');

  function readings(content: string): Record<string, unknown> {
    writeFileSync(valuesPath, content);
    const outcome: Record<string, unknown> = {};
    try {
      // Through JSON, as Helm's reading is: -0 is 0 there.
      outcome.synth = JSON.parse(JSON.stringify(readValuesFile(valuesPath)));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // A key repeated under another spelling: Helm keeps one of them (which one differs between
      // its versions); the synth refuses with a line of its own. The one refusal Helm does not share.
      outcome.synth = (error as Error).message.includes('expected each key once in a mapping') ? 'repeated key' : 'refused';
    }
    for (const helm of HELMS) {
      const run = runHelm(helm, ['template', 'x', probe, '-f', valuesPath]);
      outcome[`helm v${helm.major}`] = run.status === 0 ? JSON.parse(run.stdout.split('\n').find((line) => line.startsWith('{')) ?? 'null') : 'refused';
    }
    return outcome;
  }

  it(`agree on ${RUNS} generated files: all refuse, or all read the same values`, () => {
    const counts = { keys: 0, repeatedKey: 0, helmsDisagree: 0, tags: 0, crlf: 0, control: 0, multiline: 0, quoted: 0, block: 0, allRefuse: 0, allAccept: 0 };
    fc.assert(
      fc.property(file, (generated) => {
        const content = text(generated);
        const outcome = readings(content);
        const synth = outcome.synth;
        counts.keys += generated.twins || generated.entries.some(({ key }) => key) ? 1 : 0;
        if (synth === 'repeated key') {
          counts.repeatedKey++;
          return;
        }
        if (!expectAgreement(content, outcome)) counts.helmsDisagree++;
        counts.tags += generated.entries.some(({ tag }) => tag) ? 1 : 0;
        counts.crlf += generated.crlf ? 1 : 0;
        counts.control += generated.entries.some(({ text: value }) => CONTROL.some((control) => value.includes(control))) ? 1 : 0;
        counts.multiline += generated.entries.some(({ text: value }) => /[\r\n]/.test(value)) ? 1 : 0;
        counts.quoted += generated.entries.some(({ style }) => style === 'single' || style === 'double') ? 1 : 0;
        counts.block += generated.entries.some(({ style }) => style === 'literal' || style === 'folded') ? 1 : 0;
        counts[synth === 'refused' ? 'allRefuse' : 'allAccept']++;
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`values-reading: ${RUNS} files: ${JSON.stringify(counts)}\n`);
    // Each kind written ran often enough to matter: at least a twentieth of the files for each (a
    // fortieth for repeated keys, which an earlier refusal often hides). Each kind's share runs at two to
    // four times that, so a run of 120 files falls below it about once in ten thousand (a tenth and a
    // twentieth failed about one run in fifty). Files that Helm's versions read
    // differently are counted, not aimed at: what makes them is what this property looks for.
    for (const [kind, count] of Object.entries(counts)) if (kind !== 'helmsDisagree') expect({ kind, enough: count >= RUNS / (kind === 'repeatedKey' ? 40 : 20) }).toEqual({ kind, enough: true });
  });
  it(`render the same objects from ${RENDERED_RUNS} generated files of ConfigMap entries, or all refuse`, () => {
    const counts = { allRefuse: 0, allAccept: 0, helmsDisagree: 0 };
    fc.assert(
      fc.property(file, (generated) => {
        const content = configEntriesText(generated);
        writeFileSync(valuesPath, content);
        const outcome: Record<string, unknown> = {};
        try {
          outcome.synth = comparable(rawTemplate(loadSettings({ valuesFiles: [valuesPath] })));
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          outcome.synth = 'refused';
        }
        for (const helm of HELMS) {
          const run = runHelm(helm, ['template', 'todo-chatbot', CHART, '-n', 'todo-chatbot', '--skip-tests', '-f', valuesPath]);
          outcome[`helm v${helm.major}`] = run.status === 0 ? comparable(parseManifests(run.stdout)) : 'refused';
        }
        if (!expectAgreement(content, outcome)) counts.helmsDisagree++;
        else counts[outcome.synth === 'refused' ? 'allRefuse' : 'allAccept']++;
      }),
      { numRuns: RENDERED_RUNS },
    );
    process.stdout.write(`values-reading: ${RENDERED_RUNS} files rendered: ${JSON.stringify(counts)}\n`);
    for (const kind of ['allRefuse', 'allAccept'] as const) expect({ kind, enough: counts[kind] >= RENDERED_RUNS / 20 }).toEqual({ kind, enough: true });
  });
});
