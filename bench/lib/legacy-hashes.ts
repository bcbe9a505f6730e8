import { Algorithm, hashSync as argon2HashSync } from '@node-rs/argon2';
import { hashSync as bcryptHashSync } from '@node-rs/bcrypt';
import { createCipheriv, createHash, pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import type { PasswordFormatName } from '../../src/passwords/password-formats.js';
import { phpassCrypt } from '../../src/passwords/phpass.format.js';

export interface LegacyHash {
  hash: string;
  /** The cost, and whose default it is. */
  cost: string;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomString = (length: number, alphabet: string) =>
  [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');

const ab64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');

/** Werkzeug's and passlib's PBKDF2, at their defaults. */
function pbkdf2Hashes(password: string): { [format in PasswordFormatName]?: LegacyHash } {
  const werkzeug = (digest: string, iterations: number) => {
    const salt = randomString(16, ALPHANUMERIC);
    return `pbkdf2:${digest}:${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, digest === 'sha1' ? 20 : digest === 'sha256' ? 32 : 64, digest).toString('hex')}`;
  };
  const passlib = (ident: string, digest: string, iterations: number, keyBytes: number) => {
    const salt = randomBytes(16);
    return `$${ident}$${iterations}$${ab64(salt)}$${ab64(pbkdf2Sync(password, salt, iterations, keyBytes, digest))}`;
  };
  return {
    pbkdf2_sha1_werkzeug: { hash: werkzeug('sha1', 1000), cost: '1,000 iterations (Werkzeug before 0.15, pbkdf2:sha1)' },
    pbkdf2_sha256_werkzeug: { hash: werkzeug('sha256', 600_000), cost: '600,000 iterations (Werkzeug 2.3 and 3.0’s pbkdf2 default)' },
    pbkdf2_sha512_werkzeug: {
      hash: werkzeug('sha512', 600_000),
      cost: '600,000 iterations (Werkzeug’s pbkdf2 default, with sha512 asked for)',
    },
    pbkdf2_sha1_passlib: { hash: passlib('pbkdf2', 'sha1', 131_000, 20), cost: '131,000 rounds (passlib 1.7’s default)' },
    pbkdf2_sha256_passlib: { hash: passlib('pbkdf2-sha256', 'sha256', 29_000, 32), cost: '29,000 rounds (passlib 1.7’s default)' },
    pbkdf2_sha512_passlib: { hash: passlib('pbkdf2-sha512', 'sha512', 25_000, 64), cost: '25,000 rounds (passlib 1.7’s default)' },
  };
}

/** Werkzeug's scrypt, LDAP's salted SHA-1 and Symfony's legacy SHA-512, at their defaults. */
function otherHashes(password: string): { [format in PasswordFormatName]?: LegacyHash } {
  const werkzeugSalt = randomString(16, ALPHANUMERIC);
  const scrypt = scryptSync(password, werkzeugSalt, 64, { N: 32768, r: 8, p: 1, maxmem: 132 * 32768 * 8 + 1024 * 1024 });
  const ldapSalt = randomBytes(4);
  const symfonySalt = randomString(31, ALPHANUMERIC);
  const salted = `${password}{${symfonySalt}}`;
  let symfony = createHash('sha512').update(salted).digest();
  for (let i = 1; i < 5000; i++) symfony = createHash('sha512').update(symfony).update(salted).digest();
  return {
    scrypt_werkzeug: {
      hash: `scrypt:32768:8:1$${werkzeugSalt}$${scrypt.toString('hex')}`,
      cost: 'N=32768, r=8, p=1 (Werkzeug 3’s default)',
    },
    ldap_ssha: {
      hash: `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(ldapSalt).digest(), ldapSalt]).toString('base64')}`,
      cost: 'one sha1, a 4-byte salt (slappasswd’s default)',
    },
    sha512_symfony: {
      hash: `sha512_symfony$5000$${symfonySalt}$${symfony.toString('base64')}`,
      cost: '5,000 sha512 rounds (Symfony’s MessageDigestPasswordEncoder default)',
    },
  };
}

/** A Devise pepper and a Firebase project's scrypt parameters (Firebase's usual rounds 8, mem_cost 14), made up for the bench. */
export const BENCH_PASSWORD_SETTINGS = {
  pepper: randomString(32, ALPHANUMERIC),
  firebase: { signerKey: randomBytes(64).toString('base64'), saltSeparator: 'Bw==', rounds: 8, memCost: 14 },
};

/** The same as the app reads them. */
export const BENCH_PASSWORD_ENV = {
  FIREBASE_SCRYPT_SIGNER_KEY: BENCH_PASSWORD_SETTINGS.firebase.signerKey,
  FIREBASE_SCRYPT_SALT_SEPARATOR: BENCH_PASSWORD_SETTINGS.firebase.saltSeparator,
  FIREBASE_SCRYPT_ROUNDS: String(BENCH_PASSWORD_SETTINGS.firebase.rounds),
  FIREBASE_SCRYPT_MEM_COST: String(BENCH_PASSWORD_SETTINGS.firebase.memCost),
};

/** Devise's peppered bcrypt and Firebase's scrypt, under `BENCH_PASSWORD_SETTINGS`. */
function configuredHashes(password: string): { [format in PasswordFormatName]?: LegacyHash } {
  const { pepper, firebase } = BENCH_PASSWORD_SETTINGS;
  const salt = randomBytes(12);
  const n = 2 ** firebase.memCost;
  const key = scryptSync(password, Buffer.concat([salt, Buffer.from(firebase.saltSeparator, 'base64')]), 32, {
    N: n,
    r: firebase.rounds,
    p: 1,
    maxmem: 132 * n * firebase.rounds + 1024 * 1024,
  });
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const hash = Buffer.concat([cipher.update(Buffer.from(firebase.signerKey, 'base64')), cipher.final()]);
  return {
    bcrypt_peppered: {
      hash: bcryptHashSync(password + pepper, 12),
      cost: 'bcrypt cost 12 over password + pepper (Devise’s default stretches)',
    },
    scrypt_firebase: {
      hash: `${hash.toString('base64')}$${salt.toString('base64')}`,
      cost: 'rounds 8, mem_cost 14 (N=2^14; Firebase’s usual parameters)',
    },
  };
}

/**
 * A hash of `password` in each format, at the cost the system that writes it uses by default today:
 * what a real legacy login pays, not the cheap settings of the test vectors.
 */
export function productionHashes(password: string): { [format in PasswordFormatName]?: LegacyHash } {
  const argon2 = { memoryCost: 65536, timeCost: 3, parallelism: 4 };
  const djangoSalt = randomString(22, ALPHANUMERIC);
  return {
    bcrypt: { hash: bcryptHashSync(password, 10), cost: 'cost 10 (as in the other benchmarks)' },
    argon2id: {
      hash: argon2HashSync(password, { ...argon2, algorithm: Algorithm.Argon2id }),
      cost: 'm=64 MiB, t=3, p=4 (argon2-cffi’s default, RFC 9106’s second choice)',
    },
    argon2i: { hash: argon2HashSync(password, { ...argon2, algorithm: Algorithm.Argon2i }), cost: 'm=64 MiB, t=3, p=4' },
    pbkdf2_sha256_django: {
      hash: `pbkdf2_sha256$1000000$${djangoSalt}$${pbkdf2Sync(password, djangoSalt, 1_000_000, 32, 'sha256').toString('base64')}`,
      cost: '1,000,000 iterations (Django 5.2’s default)',
    },
    bcrypt_sha256_django: {
      hash: `bcrypt_sha256$${bcryptHashSync(createHash('sha256').update(password).digest('hex'), 12)}`,
      cost: 'bcrypt cost 12 (Django’s default)',
    },
    phpass: {
      hash: phpassCrypt(password, `$P$B${randomString(8, `./${ALPHANUMERIC}`)}`),
      cost: '2^13 md5 rounds ($P$B, WordPress’s default)',
    },
    md5: { hash: createHash('md5').update(password).digest('hex'), cost: 'one md5' },
    sha256: { hash: createHash('sha256').update(password).digest('hex'), cost: 'one sha256' },
    ...pbkdf2Hashes(password),
    ...otherHashes(password),
    ...configuredHashes(password),
  };
}
