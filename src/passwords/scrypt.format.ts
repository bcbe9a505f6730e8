import { scrypt, type BinaryLike, type ScryptOptions } from 'node:crypto';
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
