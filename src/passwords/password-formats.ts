import { argon2idFormat, argon2iFormat } from './argon2.format.js';
import type { PasswordsConfig } from '../config/passwords.config.js';
import { bcryptFormat, pepperedBcryptFormat } from './bcrypt.format.js';
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
import { firebaseScryptFormat, werkzeugScryptFormat } from './scrypt.format.js';
import { md5Format, sha256Format } from './unsalted-digest.format.js';

export type { ClerkPasswordHasher, PasswordFormat, PasswordFormatName } from './password-format.js';

/** How `stats` and the dry run name users without a hash, and users whose hash is of no known format. */
export const NO_PASSWORD = 'none';
export const UNSUPPORTED_FORMAT = 'unsupported';

/** `none`, a format's name, or `unsupported`: the key users are counted under. */
export type PasswordFormatLabel = PasswordFormatName | typeof NO_PASSWORD | typeof UNSUPPORTED_FORMAT;

export interface ClerkPasswordImport {
  digest: string;
  hasher: ClerkPasswordHasher;
}

/** The outside parameters of the formats that need them; none set by default. */
export type PasswordSettings = Partial<PasswordsConfig>;

/**
 * Every format we recognise, import and verify, under `settings`. Their shapes do not overlap, so the
 * order only decides the order of reports. Adding a format is one entry here (and its tests). A
 * configured pepper turns plain bcrypt into Devise's peppered bcrypt: the shapes are the same.
 */
export function passwordFormatList(settings: PasswordSettings = {}): PasswordFormat[] {
  return [
    settings.pepper === undefined ? bcryptFormat : pepperedBcryptFormat(settings.pepper),
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
    firebaseScryptFormat(settings.firebase ?? {}),
  ];
}

/**
 * The formats under one configuration, and what the rest of the service asks of them: which format a
 * stored hash is, how users are counted, what Clerk is sent, and the check at legacy login.
 */
export class PasswordFormats {
  readonly all: readonly PasswordFormat[];

  constructor(settings: PasswordSettings = {}) {
    this.all = passwordFormatList(settings);
  }

  /** The format of a stored hash, or null when it has none we know (a Django `sha1$…`, a truncated hash, `$2x$`). */
  detect(hash: string | null | undefined): PasswordFormat | null {
    if (typeof hash !== 'string') return null;
    return this.all.find((format) => format.shape.test(hash)) ?? null;
  }

  /** The format, only when it can be verified and imported (its configuration is complete). */
  usable(hash: string | null | undefined): PasswordFormat | null {
    const format = this.detect(hash);
    return format && format.missing === undefined ? format : null;
  }

  /** Why a stored hash can be neither verified nor imported: `unsupported_hash`, `missing_<VARIABLE>`; undefined when it can. */
  problem(hash: string): string | undefined {
    const format = this.detect(hash);
    if (!format) return 'unsupported_hash';
    return format.missing === undefined ? undefined : `missing_${format.missing}`;
  }

  label(hash: string | null | undefined): PasswordFormatLabel {
    if (hash === null || hash === undefined) return NO_PASSWORD;
    return this.detect(hash)?.name ?? UNSUPPORTED_FORMAT;
  }

  /** Counts under every label, zeros included, so that reports always have the same keys. */
  counts(counts: Iterable<[string, number]> = []): Record<PasswordFormatLabel, number> {
    const labels: PasswordFormatLabel[] = [...this.all.map((format) => format.name), NO_PASSWORD, UNSUPPORTED_FORMAT];
    const all = Object.fromEntries(labels.map((label) => [label, 0])) as Record<PasswordFormatLabel, number>;
    for (const [label, count] of counts) all[label as PasswordFormatLabel] += count;
    return all;
  }

  /** What Clerk's `POST /v1/users` gets as `password_digest` and `password_hasher`; null when Clerk cannot import it. */
  clerkImport(hash: string | null | undefined): ClerkPasswordImport | null {
    const format = this.usable(hash);
    return format ? { digest: format.toClerkDigest(hash!), hasher: format.hasher } : null;
  }

  /** Checks a password against a stored hash of any usable format, off the event loop; false for any other. */
  verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const format = this.usable(hash);
    return format ? format.verify(password, hash!) : Promise.resolve(false);
  }

  /**
   * A SQL expression that names the format of `column`, for counting a million users in one aggregate,
   * cheaply: each format's test is gated by the literal its shape starts with (`starts_with`, no
   * pattern), and its pattern (`sqlShape` with a length where one is given, else `shape`) runs only on
   * hashes that pass the gate. Formats are tried in `detect`'s order, so both name a hash alike. The
   * patterns go in as parameters from `firstParameter` on (`$n`), in order.
   */
  sql(column: string, firstParameter = 1): { expression: string; parameters: string[] } {
    const cases = this.all.map((format, i) => {
      const tests = [`${column} ~ $${firstParameter + i}`];
      if (format.sqlShape) tests.unshift(`octet_length(${column}) = ${format.sqlShape.octetLength}`);
      const prefix = literalPrefix(format.shape);
      if (prefix) tests.unshift(`starts_with(${column}, '${prefix.replaceAll("'", "''")}')`);
      return `WHEN ${tests.join(' AND ')} THEN '${format.name}'`;
    });
    return {
      expression: `CASE WHEN ${column} IS NULL THEN '${NO_PASSWORD}' ${cases.join(' ')} ELSE '${UNSUPPORTED_FORMAT}' END`,
      parameters: this.all.map((format) => (format.sqlShape?.pattern ?? format.shape).source),
    };
  }

  /** The cost class of a hash of a usable format (see `PasswordFormat.costClass`), or undefined for one we cannot verify. */
  costClass(hash: string): string | undefined {
    return this.usable(hash)?.costClass(hash);
  }
}

/**
 * The characters every match of an anchored `shape` starts with (`$2` for bcrypt, `pbkdf2:sha256:`
 * for Werkzeug's), read off its source up to the first character class, group or quantifier; empty
 * when it starts with one (a bare hex digest).
 */
export function literalPrefix(shape: RegExp): string {
  const source = shape.source;
  let prefix = '';
  let i = source.startsWith('^') ? 1 : 0;
  while (i < source.length) {
    let char: string;
    let width: number;
    if (source[i] === '\\' && i + 1 < source.length && !/[A-Za-z0-9]/.test(source[i + 1])) [char, width] = [source[i + 1], 2];
    else if (!'.[](){}*+?|^$\\'.includes(source[i])) [char, width] = [source[i], 1];
    else break;
    // A quantifier after it makes this character optional or repeated: the prefix ends before it.
    if ('*+?{'.includes(source[i + width] ?? '')) break;
    prefix += char;
    i += width;
  }
  return shape.source.startsWith('^') ? prefix : '';
}
