import { hashSync } from '@node-rs/bcrypt';
import type { ClerkPasswordHasher, ClerkPasswordImport } from '../../src/passwords/password-formats.js';
import { clerkErrors } from './emulator-errors.js';
import { CLERK_HASHERS, isClerkDigest, NOT_EMULATED } from './emulator-password-check.js';

/** Clerk rejects first and last names over 256 characters (`form_param_max_length_exceeded`). */
export const MAX_NAME_LENGTH = 256;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export type Body = Record<string, unknown>;

export function asBody(value: unknown): Body {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw clerkErrors.malformedBody();
  return value as Body;
}

export function rejectUnknown(body: Body, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw clerkErrors.unknownParam(unknown);
}

export function optionalString(body: Body, param: string): string | null | undefined {
  const value = body[param];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw clerkErrors.paramInvalid(param, 'must be a string');
  return value;
}

export function optionalName(body: Body, param: string): string | null | undefined {
  const value = optionalString(body, param);
  if (typeof value === 'string' && [...value].length > MAX_NAME_LENGTH) throw clerkErrors.tooLong(param, MAX_NAME_LENGTH);
  return value;
}

export function optionalBoolean(body: Body, param: string, fallback: boolean): boolean {
  const value = body[param];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw clerkErrors.paramInvalid(param, 'must be a boolean');
  return value;
}

export function optionalObject(body: Body, param: string): Record<string, unknown> | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw clerkErrors.paramInvalid(param, 'must be an object');
  return value as Record<string, unknown>;
}

export function emailList(body: Body, param: string): string[] {
  const value = body[param];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const email of list) {
    if (typeof email !== 'string' || !EMAIL.test(email)) throw clerkErrors.formatInvalid(param);
  }
  return list as string[];
}

export function assertEmail(value: unknown, param: string): string {
  if (typeof value !== 'string' || !EMAIL.test(value)) throw clerkErrors.formatInvalid(param);
  return value;
}

/**
 * `password_digest` + `password_hasher`, checked against the emulator's own table of the forms Clerk
 * documents (never the service's formats): a digest not in its hasher's form (phpBB's `$H$` for
 * phpass, upper-case hex for md5) is 422 `form_password_digest_invalid_code`, as Clerk answers.
 */
export function passwordDigest(body: Body): ClerkPasswordImport | undefined {
  const digest = optionalString(body, 'password_digest');
  const hasher = optionalString(body, 'password_hasher');
  if (digest === undefined || digest === null) return undefined;
  if (hasher === undefined || hasher === null) throw clerkErrors.paramMissing('password_hasher');
  if (!Object.hasOwn(CLERK_HASHERS, hasher)) {
    const why = NOT_EMULATED.includes(hasher) ? 'is a Clerk hasher the emulator does not verify' : 'is not a supported password hasher';
    throw clerkErrors.paramInvalid('password_hasher', `"${hasher}" ${why}`);
  }
  if (!isClerkDigest(hasher, digest)) throw clerkErrors.digestInvalid();
  return { digest, hasher: hasher as ClerkPasswordHasher };
}

/** A plaintext password is stored as a cheap bcrypt digest: the emulator only ever compares it. */
export function plainPassword(password: string): ClerkPasswordImport {
  return { digest: hashSync(password, 4), hasher: 'bcrypt' };
}
