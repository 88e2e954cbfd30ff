import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey } from 'openpgp';
import { scratchFolder } from './scratch';

/** A signing key made for one test run, never kept: its keyrings, in a scratch folder. */
export interface Keyring {
  /** The secret keyring, binary, as `gpg --export-secret-keys` writes it. */
  readonly secret: string;
  /** The public keyring Helm verifies with, as `gpg --export` writes it. */
  readonly public: string;
}

/**
 * A new RSA key (the one algorithm both Helm v4 and v3 read) for `userId` ("Name <email>"), with the
 * passphrase when one is given.
 */
export async function makeKey(name: string, userId: string, passphrase?: string): Promise<Keyring> {
  const dir = scratchFolder(`key-${name}`);
  const [user, email] = /^(.*) <(.*)>$/.exec(userId)!.slice(1);
  const { privateKey, publicKey } = await generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: user, email }], passphrase, format: 'binary' });
  const keyring = { secret: join(dir, 'secring.gpg'), public: join(dir, 'pubring.gpg') };
  writeFileSync(keyring.secret, privateKey);
  writeFileSync(keyring.public, publicKey);
  return keyring;
}
