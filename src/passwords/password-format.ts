import { timingSafeEqual } from 'node:crypto';

/**
 * The password formats we recognise in `users.password_hash`. Each is named after the Clerk
 * `password_hasher` that imports it (DESIGN.md, "Password formats").
 */
export type PasswordFormatName =
  | 'bcrypt'
  | 'argon2id'
  | 'argon2i'
  | 'pbkdf2_sha256_django'
  | 'bcrypt_sha256_django'
  | 'phpass'
  | 'md5'
  | 'sha256'
  | 'pbkdf2_sha1_werkzeug'
  | 'pbkdf2_sha256_werkzeug'
  | 'pbkdf2_sha512_werkzeug'
  | 'pbkdf2_sha1_passlib'
  | 'pbkdf2_sha256_passlib'
  | 'pbkdf2_sha512_passlib'
  | 'scrypt_werkzeug'
  | 'ldap_ssha'
  | 'sha512_symfony'
  | 'bcrypt_peppered'
  | 'scrypt_firebase';

/** The values of Clerk's `password_hasher` that we send; a subset of what `@clerk/backend` accepts. */
export type ClerkPasswordHasher =
  | 'bcrypt'
  | 'argon2id'
  | 'argon2i'
  | 'pbkdf2_sha256_django'
  | 'bcrypt_sha256_django'
  | 'phpass'
  | 'md5'
  | 'sha256'
  | 'pbkdf2_sha1'
  | 'pbkdf2_sha256'
  | 'pbkdf2_sha512'
  | 'pbkdf2_sha512_hex'
  | 'scrypt_werkzeug'
  | 'ldap_ssha'
  | 'sha512_symfony'
  | 'bcrypt_peppered'
  | 'scrypt_firebase';

/** One format: how to recognise it, check a password against it, and hand it to Clerk. */
export interface PasswordFormat {
  /** The stored shape's own name, the key users are counted under; the Clerk hasher's where the two are one. */
  readonly name: PasswordFormatName;
  /** The Clerk `password_hasher` that imports it. */
  readonly hasher: ClerkPasswordHasher;
  /**
   * The configuration variable this shape needs and is without (`FIREBASE_SCRYPT_SIGNER_KEY`): the
   * hash is recognised and counted, but neither verified nor imported until it is set.
   */
  readonly missing?: string;
  /**
   * The whole shape of a hash of this format: anchored, no flags, and only syntax that JavaScript and
   * PostgreSQL regular expressions read alike, because `stats` runs it in SQL (`~`) to count users.
   */
  readonly shape: RegExp;
  /**
   * For counting in SQL, where PostgreSQL expands a bounded repetition such as `{53}` into as many
   * states (microseconds a row, seconds a million): the hash's length in bytes and `shape` with `*`
   * in place of that repetition. Every character the pattern accepts is ASCII, so the two together
   * accept exactly what `shape` does (a test holds them to it). Unset: `shape` itself.
   */
  readonly sqlShape?: { octetLength: number; pattern: RegExp };
  /** The hash as Clerk's `password_digest` for `hasher`, in the form Clerk documents. */
  toClerkDigest(hash: string): string;
  /**
   * Where the stored form differs from Clerk's, the way back: `fromClerkDigest(toClerkDigest(hash))` is
   * `hash` again, which the tests check to show the conversion loses nothing.
   */
  fromClerkDigest?(digest: string): string;
  /**
   * What sets the cost of checking a hash of this shape: the algorithm and its work factor (bcrypt's
   * cost, argon2's parameters, PBKDF2's iterations, phpass's count), without salt or digest. Two
   * hashes of one cost class take as long to check.
   */
  costClass(hash: string): string;
  /** Checks off the event loop; false for a wrong password or a digest that does not parse. Never throws. */
  verify(password: string, hash: string): Promise<boolean>;
}

/** Byte-wise comparison whose time does not depend on where the first difference is. */
export function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Runs a check that may throw on a malformed digest (a native binding's parse error) as a plain "no". */
export async function falseOnError(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}
