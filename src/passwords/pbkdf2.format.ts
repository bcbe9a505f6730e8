import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import {
  equalInConstantTime,
  falseOnError,
  type ClerkPasswordHasher,
  type PasswordFormat,
  type PasswordFormatName,
} from './password-format.js';

const pbkdf2Async = promisify(pbkdf2);

type Digest = 'sha1' | 'sha256' | 'sha512';
/** PBKDF2 keys as long as the digest, as Werkzeug and passlib both ask for. */
const KEY_BYTES: Record<Digest, number> = { sha1: 20, sha256: 32, sha512: 64 };
/** Unpadded base64 characters of a key of that many bytes. */
const base64Chars = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** The parts of a PBKDF2 hash, whatever its writer's encoding. */
interface Pbkdf2Parts {
  iterations: number;
  salt: Buffer;
  key: Buffer;
}

function checker(digest: Digest, parse: (hash: string) => Pbkdf2Parts) {
  return (password: string, hash: string) =>
    falseOnError(async () => {
      const { iterations, salt, key } = parse(hash);
      return equalInConstantTime(await pbkdf2Async(password, salt, iterations, key.length, digest), key);
    });
}

/** passlib's "adapted base64": `.` where base64 has `+`, no padding. */
export const ab64 = {
  decode: (text: string) => Buffer.from(text.replace(/\./g, '+'), 'base64'),
  encode: (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '.'),
};

/** What each Clerk PBKDF2 hasher is sent, in the form Clerk documents for it (`createUser`'s docs). */
const CLERK_FORMS: Record<
  Digest,
  { hasher: ClerkPasswordHasher; write: (p: Pbkdf2Parts) => string; read: (digest: string) => Pbkdf2Parts }
> = {
  // `pbkdf2_sha1$<iterations>$<salt-as-hex>$<hash-as-hex>$<key-length>`: the salt always in hex, which
  // Clerk reads as hex (a plain salt that happened to look like hex would be misread), the key length
  // spelled out (Clerk assumes 32 bytes, SHA-1's output is 20).
  sha1: {
    hasher: 'pbkdf2_sha1',
    write: ({ iterations, salt, key }) => `pbkdf2_sha1$${iterations}$${salt.toString('hex')}$${key.toString('hex')}$${key.length}`,
    read: (digest) => {
      const [, iterations, salt, key] = digest.split('$');
      return { iterations: Number(iterations), salt: Buffer.from(salt, 'hex'), key: Buffer.from(key, 'hex') };
    },
  },
  // `pbkdf2_sha256$<iterations>$<salt>$<hash>`, "both the salt and the hash base64-encoded".
  sha256: {
    hasher: 'pbkdf2_sha256',
    write: ({ iterations, salt, key }) => `pbkdf2_sha256$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`,
    read: (digest) => {
      const [, iterations, salt, key] = digest.split('$');
      return { iterations: Number(iterations), salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
    },
  },
  // `pbkdf2_sha512_hex$<iterations>$<salt>$<hash>`, "both hex-encoded": any salt bytes survive it.
  sha512: {
    hasher: 'pbkdf2_sha512_hex',
    write: ({ iterations, salt, key }) => `pbkdf2_sha512_hex$${iterations}$${salt.toString('hex')}$${key.toString('hex')}`,
    read: (digest) => {
      const [, iterations, salt, key] = digest.split('$');
      return { iterations: Number(iterations), salt: Buffer.from(salt, 'hex'), key: Buffer.from(key, 'hex') };
    },
  },
};

const ITERATIONS = '[1-9][0-9]{0,9}';

/**
 * Werkzeug's (Flask's) `generate_password_hash(method="pbkdf2:<digest>")`: `pbkdf2:sha256:600000$<salt>$<hex>`,
 * the salt's characters used as they are, the key in hex. Werkzeug's defaults were `pbkdf2:sha1:1000`
 * (before 0.15), then `pbkdf2:sha256` at 50,000 to 600,000 iterations (until scrypt in 3.0).
 */
function werkzeugPbkdf2(digest: Digest, name: PasswordFormatName): PasswordFormat {
  const parse = (hash: string): Pbkdf2Parts => {
    const [method, salt, key] = hash.split('$');
    return { iterations: Number(method.split(':')[2]), salt: Buffer.from(salt, 'utf8'), key: Buffer.from(key, 'hex') };
  };
  const clerk = CLERK_FORMS[digest];
  // SHA-512's form is Werkzeug's own: `pbkdf2_sha512$<iterations>$<salt as it is>$<hash in hex>`.
  const plain = digest === 'sha512';
  return {
    name,
    hasher: plain ? 'pbkdf2_sha512' : clerk.hasher,
    shape: new RegExp(`^pbkdf2:${digest}:${ITERATIONS}\\$[^$]+\\$[0-9a-f]{${KEY_BYTES[digest] * 2}}$`),
    toClerkDigest: (hash) => {
      const parts = parse(hash);
      return plain ? `pbkdf2_sha512$${parts.iterations}$${hash.split('$')[1]}$${hash.split('$')[2]}` : clerk.write(parts);
    },
    fromClerkDigest: (clerkDigest) => {
      const [, iterations, salt, key] = clerkDigest.split('$');
      if (plain) return `pbkdf2:sha512:${iterations}$${salt}$${key}`;
      const parts = clerk.read(clerkDigest);
      return `pbkdf2:${digest}:${parts.iterations}$${parts.salt.toString('utf8')}$${parts.key.toString('hex')}`;
    },
    // `pbkdf2:sha256:600000`
    costClass: (hash) => hash.split('$')[0],
    verify: checker(digest, parse),
  };
}

/**
 * passlib's `pbkdf2_sha1`, `pbkdf2_sha256` and `pbkdf2_sha512`: `$pbkdf2-sha256$<rounds>$<salt>$<key>`
 * (`$pbkdf2$…` for SHA-1), salt and key in passlib's adapted base64. Defaults: 29,000 rounds for
 * SHA-256, 25,000 for SHA-512, 131,000 for SHA-1 (passlib 1.7).
 */
function passlibPbkdf2(digest: Digest, name: PasswordFormatName): PasswordFormat {
  const ident = digest === 'sha1' ? 'pbkdf2' : `pbkdf2-${digest}`;
  const parse = (hash: string): Pbkdf2Parts => {
    const [, , rounds, salt, key] = hash.split('$');
    return { iterations: Number(rounds), salt: ab64.decode(salt), key: ab64.decode(key) };
  };
  const clerk = CLERK_FORMS[digest];
  return {
    name,
    hasher: clerk.hasher,
    shape: new RegExp(`^\\$${ident}\\$${ITERATIONS}\\$[./A-Za-z0-9]+\\$[./A-Za-z0-9]{${base64Chars(KEY_BYTES[digest])}}$`),
    toClerkDigest: (hash) => clerk.write(parse(hash)),
    fromClerkDigest: (clerkDigest) => {
      const { iterations, salt, key } = clerk.read(clerkDigest);
      return `$${ident}$${iterations}$${ab64.encode(salt)}$${ab64.encode(key)}`;
    },
    // `$pbkdf2-sha256$29000$`
    costClass: (hash) => `${hash.split('$').slice(0, 3).join('$')}$`,
    verify: checker(digest, parse),
  };
}

/** PBKDF2 runs on libuv's thread pool (`crypto.pbkdf2`), off the event loop. */
export const werkzeugPbkdf2Sha1Format = werkzeugPbkdf2('sha1', 'pbkdf2_sha1_werkzeug');
export const werkzeugPbkdf2Sha256Format = werkzeugPbkdf2('sha256', 'pbkdf2_sha256_werkzeug');
export const werkzeugPbkdf2Sha512Format = werkzeugPbkdf2('sha512', 'pbkdf2_sha512_werkzeug');
export const passlibPbkdf2Sha1Format = passlibPbkdf2('sha1', 'pbkdf2_sha1_passlib');
export const passlibPbkdf2Sha256Format = passlibPbkdf2('sha256', 'pbkdf2_sha256_passlib');
export const passlibPbkdf2Sha512Format = passlibPbkdf2('sha512', 'pbkdf2_sha512_passlib');
