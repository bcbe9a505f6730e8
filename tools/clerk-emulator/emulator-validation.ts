import { clerkErrors } from './emulator-errors.js';

/** Clerk rejects first and last names over 256 characters (`form_param_max_length_exceeded`). */
export const MAX_NAME_LENGTH = 256;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Modular-crypt bcrypt: `$2a$`, `$2b$` or `$2y$`, a two-digit cost, 22 characters of salt and 31 of hash. */
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

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

/** Only the bcrypt hasher is emulated; Clerk supports more, which the emulator refuses explicitly. */
export function passwordDigest(body: Body): string | undefined {
  const digest = optionalString(body, 'password_digest');
  const hasher = optionalString(body, 'password_hasher');
  if (digest === undefined || digest === null) return undefined;
  if (hasher === undefined || hasher === null) throw clerkErrors.paramMissing('password_hasher');
  if (hasher !== 'bcrypt') throw clerkErrors.paramInvalid('password_hasher', `"${hasher}" is not supported by the emulator (bcrypt only)`);
  if (!BCRYPT.test(digest)) throw clerkErrors.digestInvalid();
  return digest;
}
