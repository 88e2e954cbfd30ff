import { createHash } from 'node:crypto';
import type { PrivateKey } from 'openpgp';
import { stringify } from 'yaml';
import { openpgpLibrary } from '../../config/signing-key';

/**
 * The text a chart's provenance file signs, laid out as `helm package --sign` lays it out: the chart's
 * metadata as YAML (keys sorted, as Helm marshals it), the YAML document end marker `...` (a `---`
 * line is not allowed in a clear-signed text), then the archive's SHA-256 under `files`. `helm verify`
 * checks the signature, then that hash against the archive beside the provenance file.
 */
export function provenanceMessage(metadata: object, archiveName: string, archive: Buffer): string {
  const sums = { files: { [archiveName]: `sha256:${createHash('sha256').update(archive).digest('hex')}` } };
  const yaml = (value: object) => stringify(value, { sortMapEntries: true, lineWidth: 0, blockQuote: 'literal' });
  return `${yaml(metadata)}\n...\n${yaml(sums)}`;
}

/**
 * The provenance file: the message clear-signed with SHA-512, Helm's hash. The signature records when it
 * was made, so this is the one output that differs from one synth to the next.
 */
export async function provenanceFile(message: string, key: PrivateKey): Promise<string> {
  const { createCleartextMessage, enums, sign } = openpgpLibrary();
  return sign({ message: await createCleartextMessage({ text: message }), signingKeys: key, config: { preferredHashAlgorithm: enums.hash.sha512 } });
}
