import { verify as argon2Verify } from '@node-rs/argon2';
import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { createCipheriv, createHash, pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Clerk's own side of an imported password: for each `password_hasher` the emulator knows, the form
 * Clerk documents for `password_digest` (`createUser`'s docs and the Backend API spec, `PasswordHasher`)
 * and the check Clerk runs at sign-in, written here against the hashing libraries directly. Nothing
 * comes from the service's `src/passwords`: a wrong conversion there (phpBB's `$H$` sent as is, a hash
 * in the wrong encoding) must fail here, as it would at Clerk.
 */
interface ClerkHasher {
  /** The whole digest, as Clerk documents it for this hasher. */
  form: RegExp;
  /** Whether the password matches; `parts` are `form`'s capture groups. */
  check(password: string, parts: string[]): Promise<boolean>;
  /** Clerk calls it insecure and replaces the digest with bcrypt at the first successful sign-in. */
  insecure?: true;
}

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

const BCRYPT = '\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}';
const B64 = '[A-Za-z0-9+/]+={0,2}';
const HEX = '[0-9a-f]+';
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
const digestOf = (algorithm: string, ...chunks: (string | Buffer)[]) => {
  const hash = createHash(algorithm);
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest();
};
const isHex = (text: string) => text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);

async function pbkdf2Check(password: string, salt: Buffer, iterations: string, expected: Buffer, digest: string): Promise<boolean> {
  return same(await pbkdf2Async(password, salt, Number(iterations), expected.length, digest), expected);
}

/** phpass's `crypt_private`: md5(salt ‖ password), then 2^n times md5(previous ‖ password), in phpass's own base64. */
function phpass(password: string, digest: string): string {
  let hash = digestOf('md5', digest.slice(4, 12), password);
  for (let i = 0; i < 2 ** ITOA64.indexOf(digest[3]); i++) hash = digestOf('md5', hash, password);
  let encoded = '';
  for (let i = 0; i < hash.length; i += 3) {
    const value = hash[i] | ((hash[i + 1] ?? 0) << 8) | ((hash[i + 2] ?? 0) << 16);
    for (let c = 0; c < Math.min(4, Math.ceil(((hash.length - i) * 8) / 6)); c++) encoded += ITOA64[(value >> (6 * c)) & 0x3f];
  }
  return digest.slice(0, 12) + encoded;
}

/** Symfony's `MessageDigestPasswordEncoder`: sha512(password{salt}), then sha512(previous ‖ password{salt}). */
function symfony(password: string, salt: string, iterations: number): Buffer {
  const salted = salt === '' ? password : `${password}{${salt}}`;
  let hash = digestOf('sha512', salted);
  for (let i = 1; i < iterations; i++) hash = digestOf('sha512', hash, salted);
  return hash;
}

/** Firebase's scrypt: scrypt(password, salt ‖ separator) keys AES-256-CTR (zero IV) over the signer key. */
async function firebase(password: string, [hash, salt, signer, separator, rounds, memCost]: string[]): Promise<boolean> {
  const N = 2 ** Number(memCost);
  const r = Number(rounds);
  const key = await scryptAsync(password, Buffer.concat([Buffer.from(salt, 'base64'), Buffer.from(separator, 'base64')]), 32, {
    N,
    r,
    p: 1,
    maxmem: 256 * N * r,
  });
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return same(Buffer.concat([cipher.update(Buffer.from(signer, 'base64')), cipher.final()]), Buffer.from(hash, 'base64'));
}

const argon2 = (variant: string): ClerkHasher => ({
  form: new RegExp(`^\\$${variant}\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$${B64}\\$${B64}$`),
  check: (password, [digest]) => argon2Verify(digest, password),
});
const hexDigest = (algorithm: string, length: number): ClerkHasher => ({
  form: new RegExp(`^[0-9a-f]{${length}}$`),
  check: async (password, [digest]) => same(digestOf(algorithm, password), Buffer.from(digest, 'hex')),
  insecure: true,
});

export const CLERK_HASHERS: Record<string, ClerkHasher> = {
  bcrypt: { form: new RegExp(`^${BCRYPT}$`), check: (password, [digest]) => bcryptVerify(password, digest) },
  bcrypt_sha256_django: {
    form: new RegExp(`^bcrypt_sha256\\$(${BCRYPT})$`),
    check: (password, [, bcrypt]) => bcryptVerify(digestOf('sha256', password).toString('hex'), bcrypt),
  },
  argon2i: argon2('argon2i'),
  argon2id: argon2('argon2id'),
  md5: hexDigest('md5', 32),
  sha256: hexDigest('sha256', 64),
  pbkdf2_sha256_django: {
    form: new RegExp(`^pbkdf2_sha256\\$([1-9]\\d*)\\$([^$]+)\\$(${B64})$`),
    check: (password, [, iterations, salt, hash]) =>
      pbkdf2Check(password, Buffer.from(salt), iterations, Buffer.from(hash, 'base64'), 'sha256'),
  },
  phpass: {
    form: /^\$P\$[./0-9A-Za-z]{31}$/,
    check: async (password, [digest]) => same(Buffer.from(phpass(password, digest)), Buffer.from(digest)),
  },
  // "Identical to bcrypt except that a pepper string is appended to the input": `$2b$…$<pepper>`.
  bcrypt_peppered: {
    form: new RegExp(`^(${BCRYPT})\\$(.+)$`),
    check: (password, [, bcrypt, pepper]) => bcryptVerify(password + pepper, bcrypt),
  },
  // Hex hash; the salt read as hex when it is hex, else as its bytes; an optional key length (32 when absent).
  pbkdf2_sha1: {
    form: new RegExp(`^pbkdf2_sha1\\$([1-9]\\d*)\\$([^$]+)\\$(${HEX})(?:\\$([1-9]\\d*))?$`),
    check: (password, [, iterations, salt, hash, keyLength = '32']) => {
      const expected = Buffer.from(hash, 'hex');
      if (expected.length !== Number(keyLength)) return Promise.resolve(false);
      return pbkdf2Check(password, isHex(salt) ? Buffer.from(salt, 'hex') : Buffer.from(salt), iterations, expected, 'sha1');
    },
  },
  // Salt and hash both base64.
  pbkdf2_sha256: {
    form: new RegExp(`^pbkdf2_sha256\\$([1-9]\\d*)\\$(${B64})\\$(${B64})$`),
    check: (password, [, iterations, salt, hash]) =>
      pbkdf2Check(password, Buffer.from(salt, 'base64'), iterations, Buffer.from(hash, 'base64'), 'sha256'),
  },
  // Salt as a string literal, hash in hex.
  pbkdf2_sha512: {
    form: new RegExp(`^pbkdf2_sha512\\$([1-9]\\d*)\\$([^$]+)\\$(${HEX})$`),
    check: (password, [, iterations, salt, hash]) =>
      pbkdf2Check(password, Buffer.from(salt), iterations, Buffer.from(hash, 'hex'), 'sha512'),
  },
  // Salt and hash both hex.
  pbkdf2_sha512_hex: {
    form: new RegExp(`^pbkdf2_sha512_hex\\$([1-9]\\d*)\\$(${HEX})\\$(${HEX})$`),
    check: (password, [, iterations, salt, hash]) =>
      pbkdf2Check(password, Buffer.from(salt, 'hex'), iterations, Buffer.from(hash, 'hex'), 'sha512'),
  },
  // What Werkzeug writes, `scrypt:N:r:p$<salt>$<hex>`: the salt's characters are the salt, the key as long as the hex.
  scrypt_werkzeug: {
    form: new RegExp(`^scrypt:(\\d+):(\\d+):(\\d+)\\$([^$]+)\\$(${HEX})$`),
    check: async (password, [, n, r, p, salt, hash]) => {
      const expected = Buffer.from(hash, 'hex');
      const [N, R, P] = [Number(n), Number(r), Number(p)];
      const key = await scryptAsync(password, salt, expected.length, { N, r: R, p: P, maxmem: 132 * N * R * P + 1024 * 1024 });
      return same(key, expected);
    },
  },
  scrypt_firebase: {
    form: new RegExp(`^(${B64})\\$(${B64})\\$(${B64})\\$(${B64})\\$([1-9]\\d*)\\$([1-9]\\d*)$`),
    check: (password, [, ...parts]) => firebase(password, parts),
  },
  sha512_symfony: {
    form: new RegExp(`^sha512_symfony\\$([1-9]\\d*)\\$([^{}$]*)\\$(${B64})$`),
    check: async (password, [, iterations, salt, hash]) => same(symfony(password, salt, Number(iterations)), Buffer.from(hash, 'base64')),
    insecure: true,
  },
  // OpenLDAP's salted SHA-1: base64 of sha1(password ‖ salt) ‖ salt.
  ldap_ssha: {
    form: new RegExp(`^\\{SSHA\\}(${B64})$`),
    check: async (password, [, encoded]) => {
      const decoded = Buffer.from(encoded, 'base64');
      if (decoded.length <= 20) return false;
      return same(digestOf('sha1', password, decoded.subarray(20)), decoded.subarray(0, 20));
    },
  },
};

/** Hashers Clerk documents that the emulator does not check: refused by name rather than as unknown. */
export const NOT_EMULATED = ['awscognito', 'hmac_sha256_utf16_b64', 'md5_phpass', 'md5_salted', 'sha256_salted'];

/** True when `digest` is in the form Clerk documents for `hasher`. */
export function isClerkDigest(hasher: string, digest: string): boolean {
  return CLERK_HASHERS[hasher]?.form.test(digest) ?? false;
}

/** Whether `password` matches an imported digest, as Clerk checks it at sign-in; false on anything malformed. */
export async function checkClerkPassword(hasher: string, digest: string, password: string): Promise<boolean> {
  const known = CLERK_HASHERS[hasher];
  const parts = known?.form.exec(digest);
  if (!known || !parts) return false;
  try {
    return await known.check(password, [...parts]);
  } catch {
    return false;
  }
}

/** Whether Clerk replaces this hasher's digest with bcrypt at the first successful sign-in. */
export function isInsecureHasher(hasher: string): boolean {
  return CLERK_HASHERS[hasher]?.insecure === true;
}
