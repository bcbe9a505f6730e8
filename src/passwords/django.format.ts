import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { createHash, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { BCRYPT_LENGTH, BCRYPT_SHAPE, BCRYPT_SQL_SHAPE, bcryptCostClass } from './bcrypt.format.js';
import { equalInConstantTime, falseOnError, type PasswordFormat } from './password-format.js';

const pbkdf2Async = promisify(pbkdf2);

/** SHA-256's output: Django asks PBKDF2 for a key of the digest's own size. */
const PBKDF2_KEY_LENGTH = 32;

interface Pbkdf2Parts {
  iterations: number;
  salt: string;
  expected: Buffer;
}

function pbkdf2Parts(hash: string): Pbkdf2Parts {
  const [, iterations, salt, encoded] = hash.split('$');
  return { iterations: Number(iterations), salt, expected: Buffer.from(encoded, 'base64') };
}

/**
 * Django's default hasher, `pbkdf2_sha256$<iterations>$<salt>$<base64 key>`, as Django's
 * `PBKDF2PasswordHasher` writes it: the salt as plain text, the key in padded base64. Clerk's
 * `pbkdf2_sha256_django` takes the string exactly as Django exported it. PBKDF2 runs on libuv's
 * thread pool (`crypto.pbkdf2`).
 */
export const djangoPbkdf2Format: PasswordFormat = {
  name: 'pbkdf2_sha256_django',
  hasher: 'pbkdf2_sha256_django',
  shape: /^pbkdf2_sha256\$[1-9][0-9]{0,9}\$[^$]+\$[A-Za-z0-9+/]{43}=$/,
  toClerkDigest: (hash) => hash,
  // `pbkdf2_sha256$<iterations>$`
  costClass: (hash) => `${hash.split('$').slice(0, 2).join('$')}$`,
  verify: (password, hash) =>
    falseOnError(async () => {
      const { iterations, salt, expected } = pbkdf2Parts(hash);
      return equalInConstantTime(await pbkdf2Async(password, salt, iterations, PBKDF2_KEY_LENGTH, 'sha256'), expected);
    }),
};

const BCRYPT_SHA256_PREFIX = 'bcrypt_sha256$';

/**
 * Django's `BCryptSHA256PasswordHasher`: bcrypt over the hex SHA-256 of the password (which lifts
 * bcrypt's 72-byte limit), written as `bcrypt_sha256$` followed by the bcrypt string. Clerk's
 * `bcrypt_sha256_django` takes it as Django exported it.
 */
export const djangoBcryptSha256Format: PasswordFormat = {
  name: 'bcrypt_sha256_django',
  hasher: 'bcrypt_sha256_django',
  shape: new RegExp(`^bcrypt_sha256\\$${BCRYPT_SHAPE}$`),
  sqlShape: { octetLength: BCRYPT_SHA256_PREFIX.length + BCRYPT_LENGTH, pattern: new RegExp(`^bcrypt_sha256\\$${BCRYPT_SQL_SHAPE}$`) },
  toClerkDigest: (hash) => hash,
  costClass: (hash) => BCRYPT_SHA256_PREFIX + bcryptCostClass(hash.slice(BCRYPT_SHA256_PREFIX.length)),
  verify: (password, hash) => falseOnError(() => bcryptVerify(sha256Hex(password), hash.slice(BCRYPT_SHA256_PREFIX.length))),
};

function sha256Hex(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}
