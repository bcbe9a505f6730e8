import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { falseOnError, type PasswordFormat } from './password-format.js';

/**
 * Modular-crypt bcrypt: `$2a$`, `$2b$` or `$2y$` (PHP's name for `$2b$`), cost 04 to 31, 22
 * characters of salt and 31 of hash. `$2x$` marks digests made by a historic bug in 8-bit handling
 * and is refused, like anything truncated.
 */
export const BCRYPT_SHAPE = '\\$2[aby]\\$(?:0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}';
/** `BCRYPT_SHAPE` for SQL: any number of salt and hash characters, the length checked apart (see `PasswordFormat.sqlShape`). */
export const BCRYPT_SQL_SHAPE = '\\$2[aby]\\$(?:0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]*';
export const BCRYPT_LENGTH = 60;

/** `$2b$12$`: the variant and the cost. */
export function bcryptCostClass(hash: string): string {
  return hash.slice(0, '$2b$12$'.length);
}

/** bcrypt runs on libuv's thread pool through the native binding. */
export const bcryptFormat: PasswordFormat = {
  name: 'bcrypt',
  hasher: 'bcrypt',
  shape: new RegExp(`^${BCRYPT_SHAPE}$`),
  sqlShape: { octetLength: BCRYPT_LENGTH, pattern: new RegExp(`^${BCRYPT_SQL_SHAPE}$`) },
  toClerkDigest: (hash) => hash,
  costClass: bcryptCostClass,
  verify: (password, hash) => falseOnError(() => bcryptVerify(password, hash)),
};

/**
 * Devise (Rails) with `config.pepper`: bcrypt over password + pepper, stored exactly like plain bcrypt,
 * so the two cannot be told apart by shape: the configured `PASSWORD_PEPPER` decides, and then every
 * bcrypt hash is this one. Clerk's `bcrypt_peppered` takes `$2a$…$<pepper>`.
 */
export function pepperedBcryptFormat(pepper: string): PasswordFormat {
  return {
    ...bcryptFormat,
    name: 'bcrypt_peppered',
    hasher: 'bcrypt_peppered',
    toClerkDigest: (hash) => `${hash}$${pepper}`,
    fromClerkDigest: (digest) => digest.slice(0, digest.length - pepper.length - 1),
    verify: (password, hash) => falseOnError(() => bcryptVerify(password + pepper, hash)),
  };
}
