import { argon2idFormat, argon2iFormat } from './argon2.format.js';
import { bcryptFormat } from './bcrypt.format.js';
import { djangoBcryptSha256Format, djangoPbkdf2Format } from './django.format.js';
import type { ClerkPasswordHasher, PasswordFormat, PasswordFormatName } from './password-format.js';
import {
  passlibPbkdf2Sha1Format,
  passlibPbkdf2Sha256Format,
  passlibPbkdf2Sha512Format,
  werkzeugPbkdf2Sha1Format,
  werkzeugPbkdf2Sha256Format,
  werkzeugPbkdf2Sha512Format,
} from './pbkdf2.format.js';
import { phpassFormat } from './phpass.format.js';
import { ldapSshaFormat, symfonySha512Format } from './salted-sha.format.js';
import { werkzeugScryptFormat } from './scrypt.format.js';
import { md5Format, sha256Format } from './unsalted-digest.format.js';

export type { ClerkPasswordHasher, PasswordFormat, PasswordFormatName } from './password-format.js';

/**
 * Every format we recognise, import and verify. Their shapes do not overlap, so the order only
 * decides the order of reports. Adding a format is one entry here (and its tests).
 */
export const PASSWORD_FORMATS: readonly PasswordFormat[] = [
  bcryptFormat,
  argon2idFormat,
  argon2iFormat,
  djangoPbkdf2Format,
  djangoBcryptSha256Format,
  phpassFormat,
  md5Format,
  sha256Format,
  werkzeugPbkdf2Sha1Format,
  werkzeugPbkdf2Sha256Format,
  werkzeugPbkdf2Sha512Format,
  passlibPbkdf2Sha1Format,
  passlibPbkdf2Sha256Format,
  passlibPbkdf2Sha512Format,
  werkzeugScryptFormat,
  ldapSshaFormat,
  symfonySha512Format,
];

/** How `stats` and the dry run name users without a hash, and users whose hash is of no known format. */
export const NO_PASSWORD = 'none';
export const UNSUPPORTED_FORMAT = 'unsupported';

/** The format of a stored hash, or null when it has none we can import (a Django `sha1$…`, a truncated hash, `$2x$`). */
export function detectPasswordFormat(hash: string | null | undefined): PasswordFormat | null {
  if (typeof hash !== 'string') return null;
  return PASSWORD_FORMATS.find((format) => format.shape.test(hash)) ?? null;
}

/** `none`, a format's name, or `unsupported`: the key users are counted under. */
export type PasswordFormatLabel = PasswordFormatName | typeof NO_PASSWORD | typeof UNSUPPORTED_FORMAT;

export function passwordFormatLabel(hash: string | null | undefined): PasswordFormatLabel {
  if (hash === null || hash === undefined) return NO_PASSWORD;
  return detectPasswordFormat(hash)?.name ?? UNSUPPORTED_FORMAT;
}

/** Counts under every label, zeros included, so that reports always have the same keys. */
export function passwordFormatCounts(counts: Iterable<[string, number]> = []): Record<PasswordFormatLabel, number> {
  const labels: PasswordFormatLabel[] = [...PASSWORD_FORMATS.map((format) => format.name), NO_PASSWORD, UNSUPPORTED_FORMAT];
  const all = Object.fromEntries(labels.map((label) => [label, 0])) as Record<PasswordFormatLabel, number>;
  for (const [label, count] of counts) all[label as PasswordFormatLabel] += count;
  return all;
}

export interface ClerkPasswordImport {
  digest: string;
  hasher: ClerkPasswordHasher;
}

/** What Clerk's `POST /v1/users` gets as `password_digest` and `password_hasher`; null when Clerk cannot import it. */
export function clerkPasswordImport(hash: string | null | undefined): ClerkPasswordImport | null {
  const format = detectPasswordFormat(hash);
  return format ? { digest: format.toClerkDigest(hash!), hasher: format.hasher } : null;
}

/** Checks a password against a stored hash of any known format, off the event loop; false for an unknown one. */
export function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const format = detectPasswordFormat(hash);
  return format ? format.verify(password, hash!) : Promise.resolve(false);
}

/**
 * A SQL expression that names the format of `column`, with the same shapes, for counting a million
 * users in one aggregate. The shapes go in as parameters from `firstParameter` on (`$n`), in order.
 */
export function passwordFormatSql(column: string, firstParameter = 1): { expression: string; parameters: string[] } {
  const cases = PASSWORD_FORMATS.map((format, i) => `WHEN ${column} ~ $${firstParameter + i} THEN '${format.name}'`);
  return {
    expression: `CASE WHEN ${column} IS NULL THEN '${NO_PASSWORD}' ${cases.join(' ')} ELSE '${UNSUPPORTED_FORMAT}' END`,
    parameters: PASSWORD_FORMATS.map((format) => format.shape.source),
  };
}

/** The cost class of a hash of a known format (see `PasswordFormat.costClass`), or undefined for one we cannot verify. */
export function passwordCostClass(hash: string): string | undefined {
  return detectPasswordFormat(hash)?.costClass(hash);
}
