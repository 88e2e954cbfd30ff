/*
 * The key `npm run synth -- --sign --key NAME --keyring FILE` signs the packaged chart with, found the
 * way `helm package --sign` finds it: the key with a user ID equal to NAME, else the only key with a
 * user ID containing it. Every way this can fail is one line naming the option; no line shows the
 * passphrase or anything read from the keyring but user IDs, which are public.
 */
import { readFileSync } from 'node:fs';
import type { Key, PrivateKey } from 'openpgp';
import { ConfigError } from './errors';

export interface SigningKeyRequest {
  /** A whole user ID, or a part of one only one key's user IDs hold (`--key`). */
  readonly name: string;
  /** The keyring as typed, for the messages (`--keyring`). */
  readonly keyring: string;
  readonly keyringPath: string;
  /** The passphrase and where it came from (`--passphrase-file FILE`), when the user gave one. */
  readonly passphrase?: { readonly value: string; readonly source: string };
}

/** How to export what the synth reads: GnuPG 2.1 and later keep secret keys outside any keyring file. */
const EXPORT_HINT = 'gpg --output FILE --export-secret-keys NAME writes one';

/** The first bytes of a GnuPG 2.1 keybox (pubring.kbx): a header blob with the "KBXf" magic at byte 8. */
function isKeybox(data: Buffer): boolean {
  return data.length >= 12 && data[4] === 1 && data.subarray(8, 12).toString('latin1') === 'KBXf';
}

/** The OpenPGP library, loaded on first use: a synth that signs nothing never starts it. */
export function openpgpLibrary(): typeof import('openpgp') {
  return require('openpgp') as typeof import('openpgp');
}

async function readKeyring(request: SigningKeyRequest): Promise<Key[]> {
  const where = `--keyring ${request.keyring}`;
  let data: Buffer;
  try {
    data = readFileSync(request.keyringPath);
  } catch (error) {
    throw new ConfigError([`${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
  if (isKeybox(data)) throw new ConfigError([`${where}: expected an OpenPGP keyring of secret keys, got a GnuPG keybox (public keys only; ${EXPORT_HINT})`]);
  const { readKeys } = openpgpLibrary();
  const armored = data.subarray(0, 64).toString('latin1').trimStart().startsWith('-----BEGIN PGP');
  try {
    return await (armored ? readKeys({ armoredKeys: data.toString('utf8') }) : readKeys({ binaryKeys: data }));
  } catch {
    // The library's reason can quote the bytes it read, and those may be secret: it is not shown.
    throw new ConfigError([`${where}: expected an OpenPGP keyring of secret keys, binary or armored (${EXPORT_HINT}), got a file OpenPGP cannot read`]);
  }
}

/** Helm's choice: a key with a user ID equal to the name, else the one key with a user ID containing it. */
function chooseKey(keys: Key[], request: SigningKeyRequest): Key {
  const where = `--key ${JSON.stringify(request.name)}`;
  const exact = keys.find((key) => key.getUserIDs().includes(request.name));
  if (exact) return exact;
  const containing = keys.filter((key) => key.getUserIDs().some((id) => id.includes(request.name)));
  if (containing.length === 1) return containing[0];
  if (containing.length > 1) {
    throw new ConfigError([`${where}: expected the user ID of one key, got a part of the user IDs of ${containing.length} keys in --keyring ${request.keyring} (${containing.map((key) => JSON.stringify(key.getUserIDs()[0])).join(', ')}); give a whole user ID`]);
  }
  const known = keys.flatMap((key) => key.getUserIDs()).map((id) => JSON.stringify(id));
  throw new ConfigError([`${where}: no key in --keyring ${request.keyring} has a user ID containing it (it holds ${known.length > 0 ? known.join(', ') : 'no user ID'})`]);
}

/** The secret key to sign with, unlocked; refused in one line when it cannot sign. */
export async function loadSigningKey(request: SigningKeyRequest): Promise<PrivateKey> {
  const chosen = chooseKey(await readKeyring(request), request);
  const id = JSON.stringify(chosen.getUserIDs()[0]);
  if (!chosen.isPrivate()) {
    throw new ConfigError([`--keyring ${request.keyring}: holds only the public key of ${id}; expected its secret key (${EXPORT_HINT})`]);
  }
  let key: PrivateKey = chosen;
  if (!key.isDecrypted()) {
    if (!request.passphrase) throw new ConfigError([`--key ${JSON.stringify(request.name)}: ${id} is protected by a passphrase; give it with --passphrase-file FILE (- reads it from standard input)`]);
    try {
      key = await openpgpLibrary().decryptKey({ privateKey: key, passphrase: request.passphrase.value });
    } catch {
      throw new ConfigError([`${request.passphrase.source}: the passphrase does not unlock ${id}`]);
    }
  }
  try {
    await key.getSigningKey();
  } catch {
    throw new ConfigError([`--key ${JSON.stringify(request.name)}: ${id} cannot sign (it is expired or revoked, or has no key for signing)`]);
  }
  return key;
}
