import fc from 'fast-check';
import { SECRET_FIELDS } from '../src/config/schema';
import { OutputFile, rawFiles, synthObjects } from '../src/outputs/raw';
import { settingsArbitrary } from './support/arbitraries';
import { Manifest } from './support/kube';
import { invariantViolations, leakedSecrets } from './support/invariants';

const RUNS = 200;

describe('raw synth over random valid settings (fast-check)', () => {
  it('keeps every invariant: selectors, named ports, probes, PSS restricted, BACKEND_URL, secret refs', () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const manifests = synthObjects(settings, settings.values.secret.values) as unknown as Manifest[];
        expect(invariantViolations(manifests, settings)).toEqual([]);
      }),
      { numRuns: RUNS },
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
