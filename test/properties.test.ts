import fc from 'fast-check';
import { SECRET_FIELDS } from '../src/config/schema';
import { parseAllDocuments } from 'yaml';
import { OutputFile, rawFiles, synthObjects } from '../src/outputs/raw';
import { yamlStream } from '../src/outputs/yaml';
import { settingsArbitrary } from './support/arbitraries';

import { invariantViolations, leakedSecrets } from './support/invariants';

const RUNS = 200;

describe('raw synth over random valid settings (fast-check)', () => {
  it('keeps every invariant: selectors, named ports, probes, PSS restricted, BACKEND_URL, secret refs', () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const manifests = synthObjects(settings, settings.values.secret.values);
        expect(invariantViolations(manifests, settings)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same checksum/config for the same ConfigMap entries in any order, and another for another value', () => {
    const checksum = (settings: Parameters<typeof synthObjects>[0]) =>
      (synthObjects(settings, settings.values.secret.values)).find((object) => object.kind === 'Deployment')!.spec.template.metadata.annotations['checksum/config'];
    const withExtra = (base: Parameters<typeof synthObjects>[0], entries: [string, string][]) => ({ ...base, values: { ...base.values, config: { ...base.values.config, extra: Object.fromEntries(entries) } } });
    const entries = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/), fc.string({ maxLength: 8 })), { minLength: 2, maxLength: 6, selector: ([key]) => key });
    fc.assert(
      fc.property(settingsArbitrary, entries.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), (base, [list, shuffled]) => {
        expect(checksum(withExtra(base, shuffled))).toBe(checksum(withExtra(base, list)));
        const [key, value] = list[0];
        expect(checksum(withExtra(base, [[key, `${value}-changed`], ...list.slice(1)]))).not.toBe(checksum(withExtra(base, list)));
      }),
      { numRuns: 50 },
    );
  });

  it('writes secret values only into the 0600 Secret file, never elsewhere', () => {
    fc.assert(
      fc.property(settingsArbitrary, fc.array(fc.string({ minLength: 12, maxLength: 40 }), { minLength: 3, maxLength: 3 }), (base, secrets) => {
        const secretValues = Object.fromEntries(SECRET_FIELDS.map((field, index) => [field, `s3cr3t-${secrets[index]}`])) as Record<(typeof SECRET_FIELDS)[number], string>;
        const settings = { ...base, values: { ...base.values, secret: { ...base.values.secret, create: true, existingSecret: '' } } };
        const files = rawFiles(settings, secretValues);
        const secretFile = files.get('10-secret.yaml');
        expect(secretFile?.mode).toBe(0o600);
        for (const [name, file] of files) {
          if (name !== '10-secret.yaml') expect(leakedSecrets(String(file.content), Object.values(secretValues))).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('writes YAML that YAML 1.1 (kubectl) and YAML 1.2 readers both read back as exactly the objects', () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const secrets = settings.values.secret.values;
        const files = [...rawFiles(settings, secrets)].filter(([name]) => name.endsWith('.yaml'));
        const byKindAndName = (a: any, b: any) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
        const objects = synthObjects(settings, secrets).sort(byKindAndName);
        for (const version of ['1.1', '1.2'] as const) {
          const read = files.flatMap(([, file]) => parseAllDocuments(String(file.content), { version }).map((document) => document.toJS()));
          expect(read.sort(byKindAndName)).toEqual(objects);
        }
      }),
      // Parsing every file twice is the slow part: fewer runs, each over every output file.
      { numRuns: 50 },
    );
  });

  it.each([['yes'], ['on'], ['1_000'], ['0o17'], ['2001-12-14'], ['1e3'], ['~'], ['NO']])('quotes %s wherever it stands, so no reader takes it for another type', (text) => {
    const written = yamlStream([{ data: { [text]: text } }]);
    expect(written).toBe(`data:\n  "${text}": "${text}"\n`);
  });

  it('is deterministic: the same settings give the same bytes', () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const bytes = (files: Map<string, OutputFile>) => [...files].map(([name, file]) => `${name}\n${String(file.content)}`).join('\n');
        const secrets = settings.values.secret.values;
        expect(bytes(rawFiles(structuredClone(settings), { ...secrets }))).toBe(bytes(rawFiles(settings, secrets)));
      }),
      { numRuns: 50 },
    );
  });
});
