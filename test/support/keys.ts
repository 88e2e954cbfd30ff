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

export interface KeyOptions {
  /** The passphrase the secret key is locked with. @default none */
  readonly passphrase?: string;
  /** The secret keyring in ASCII armor (`gpg --armor --export-secret-keys`); the public one stays binary, the one form Helm reads. @default binary */
  readonly armored?: boolean;
  /** Made two days ago, valid for one. @default valid, never expiring */
  readonly expired?: boolean;
}

const DAY_SECONDS = 24 * 60 * 60;

/** A new RSA key (the one algorithm both Helm v4 and v3 read) for `userId` ("Name <email>"). */
export async function makeKey(name: string, userId: string, options: KeyOptions = {}): Promise<Keyring> {
  const dir = scratchFolder(`key-${name}`);
  const [user, email] = /^(.*) <(.*)>$/.exec(userId)!.slice(1);
  const expiry = options.expired ? { date: new Date(Date.now() - 2 * DAY_SECONDS * 1000), keyExpirationTime: DAY_SECONDS } : {};
  const { privateKey, publicKey } = await generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: user, email }], passphrase: options.passphrase, ...expiry, format: 'object' });
  const keyring = { secret: join(dir, options.armored ? 'secring.asc' : 'secring.gpg'), public: join(dir, 'pubring.gpg') };
  writeFileSync(keyring.secret, options.armored ? privateKey.armor() : privateKey.write());
  writeFileSync(keyring.public, publicKey.write());
  return keyring;
}
