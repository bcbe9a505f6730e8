import { describe, expect, it } from '@jest/globals';
import { PASSWORD_VECTORS, PHPBB_VECTOR } from '../../test/factories/password-vectors.js';
import { CLERK_DIGEST_VECTORS } from '../../test/factories/clerk-digest-vectors.js';
import { checkClerkPassword, isClerkDigest, isInsecureHasher } from './emulator-password-check.js';

/** Each published vector in the form Clerk documents for its hasher, as written by hand in the vectors' file. */
const digests = [
  ...PASSWORD_VECTORS.map((v) => ({ hasher: v.hasher, digest: v.clerkDigest, password: v.password })),
  ...CLERK_DIGEST_VECTORS,
];

describe('the emulator checks each Clerk hasher on its own', () => {
  it.each(digests.map((d) => [d.hasher, d] as const))('accepts a %s digest in Clerk’s form and its password only', async (hasher, v) => {
    expect(isClerkDigest(hasher, v.digest)).toBe(true);
    await expect(checkClerkPassword(hasher, v.digest, v.password)).resolves.toBe(true);
    await expect(checkClerkPassword(hasher, v.digest, `${v.password}x`)).resolves.toBe(false);
    await expect(checkClerkPassword(hasher, v.digest, '')).resolves.toBe(false);
  });

  it('refuses what a wrong conversion would send: phpBB’s $H$ unconverted, upper-case hex', async () => {
    expect(isClerkDigest('phpass', PHPBB_VECTOR.hash)).toBe(false);
    await expect(checkClerkPassword('phpass', PHPBB_VECTOR.hash, PHPBB_VECTOR.password)).resolves.toBe(false);
    expect(isClerkDigest('md5', '5F4DCC3B5AA765D61D8327DEB882CF99')).toBe(false);
  });

  it('fails a digest in the right form under the wrong hasher: a Django PBKDF2 string sent as pbkdf2_sha256 (base64 salt)', async () => {
    const django = PASSWORD_VECTORS.find((v) => v.format === 'pbkdf2_sha256_django')!;
    expect(isClerkDigest('pbkdf2_sha256', django.hash)).toBe(true);
    await expect(checkClerkPassword('pbkdf2_sha256', django.hash, django.password)).resolves.toBe(false);
    await expect(checkClerkPassword('pbkdf2_sha256_django', django.hash, django.password)).resolves.toBe(true);
  });

  it('answers no, without throwing, for hashers it does not know and digests that do not parse', async () => {
    await expect(checkClerkPassword('awscognito', 'awscognito#pool#client#id', 'x')).resolves.toBe(false);
    await expect(
      checkClerkPassword('argon2id', '$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4', 'password'),
    ).resolves.toBe(false);
  });

  it('marks the hashers Clerk rehashes at the first sign-in', () => {
    expect(['md5', 'sha256', 'sha512_symfony', 'bcrypt', 'phpass'].map(isInsecureHasher)).toEqual([true, true, true, false, false]);
  });
});
