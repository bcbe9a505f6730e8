import { createCipheriv, scrypt, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { FirebaseScryptSettings } from '../config/passwords.config.js';
import { equalInConstantTime, falseOnError, type PasswordFormat } from './password-format.js';

/** `crypto.scrypt` runs on libuv's thread pool, off the event loop. */
export function scryptAsync(password: BinaryLike, salt: BinaryLike, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Room for scrypt's 128·N·r·p bytes and its own bookkeeping (Werkzeug allows 132·N·r·p). */
export const scryptMaxmem = (n: number, r: number, p: number) => 132 * n * r * p + 1024 * 1024;

function werkzeugParts(hash: string) {
  const [method, salt, key] = hash.split('$');
  const [n, r, p] = method.split(':').slice(1).map(Number);
  return { n, r, p, salt, key: Buffer.from(key, 'hex') };
}

/**
 * Werkzeug's (Flask's) default since 3.0, `generate_password_hash(method="scrypt")`:
 * `scrypt:32768:8:1$<salt>$<hex>`, N, r and p in the method, the salt's characters used as they are,
 * a 64-byte key in hex. Clerk's `scrypt_werkzeug` takes the string as Werkzeug wrote it (Clerk's own
 * migration tool sends it unchanged).
 */
export const werkzeugScryptFormat: PasswordFormat = {
  name: 'scrypt_werkzeug',
  hasher: 'scrypt_werkzeug',
  shape: /^scrypt:[1-9][0-9]{0,6}:[1-9][0-9]{0,2}:[1-9][0-9]{0,2}\$[^$]+\$[0-9a-f]{128}$/,
  toClerkDigest: (hash) => hash,
  // `scrypt:32768:8:1`
  costClass: (hash) => hash.split('$')[0],
  verify: (password, hash) =>
    falseOnError(async () => {
      const { n, r, p, salt, key } = werkzeugParts(hash);
      return equalInConstantTime(await scryptAsync(password, salt, key.length, { N: n, r, p, maxmem: scryptMaxmem(n, r, p) }), key);
    }),
};

const FIREBASE_SETTINGS: [keyof FirebaseScryptSettings, string][] = [
  ['signerKey', 'FIREBASE_SCRYPT_SIGNER_KEY'],
  ['saltSeparator', 'FIREBASE_SCRYPT_SALT_SEPARATOR'],
  ['rounds', 'FIREBASE_SCRYPT_ROUNDS'],
  ['memCost', 'FIREBASE_SCRYPT_MEM_COST'],
];

/** Firebase's modified scrypt (github.com/firebase/scrypt): scrypt(password, salt ‖ separator) keys AES-256-CTR over the signer key. */
async function firebaseHash(password: string, salt: Buffer, settings: Required<FirebaseScryptSettings>): Promise<Buffer> {
  const n = 2 ** settings.memCost;
  const separator = Buffer.from(settings.saltSeparator, 'base64');
  const key = await scryptAsync(password, Buffer.concat([salt, separator]), 32, {
    N: n,
    r: settings.rounds,
    p: 1,
    maxmem: scryptMaxmem(n, settings.rounds, 1),
  });
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.from(settings.signerKey, 'base64')), cipher.final()]);
}

/**
 * A Firebase Auth user as `firebase auth:export` gives them: `<passwordHash>$<salt>`, both base64, the
 * two per-user fields joined in the order Clerk's digest starts with. The project-wide parameters come
 * from configuration; while one is unset the shape is recognised but `missing` names it. Clerk's
 * `scrypt_firebase` takes `<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<memory cost>`.
 */
export function firebaseScryptFormat(settings: FirebaseScryptSettings): PasswordFormat {
  const missing = FIREBASE_SETTINGS.find(([key]) => settings[key] === undefined)?.[1];
  const complete = settings as Required<FirebaseScryptSettings>;
  return {
    name: 'scrypt_firebase',
    hasher: 'scrypt_firebase',
    ...(missing && { missing }),
    shape: /^[A-Za-z0-9+/]{20,}={0,2}\$[A-Za-z0-9+/]{4,}={0,2}$/,
    toClerkDigest: (hash) => `${hash}$${complete.signerKey}$${complete.saltSeparator}$${complete.rounds}$${complete.memCost}`,
    fromClerkDigest: (digest) => digest.split('$').slice(0, 2).join('$'),
    costClass: () => `scrypt_firebase$${complete.rounds}$${complete.memCost}`,
    verify: (password, hash) =>
      falseOnError(async () => {
        if (missing) return false;
        const [expected, salt] = hash.split('$');
        return equalInConstantTime(await firebaseHash(password, Buffer.from(salt, 'base64'), complete), Buffer.from(expected, 'base64'));
      }),
  };
}
