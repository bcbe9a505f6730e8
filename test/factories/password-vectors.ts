import type { ClerkPasswordHasher, PasswordFormatName } from '../../src/passwords/password-formats.js';

export interface PasswordVector {
  format: PasswordFormatName;
  password: string;
  hash: string;
  /** What Clerk is sent for it: the hasher, and the digest in the form Clerk documents. */
  hasher: ClerkPasswordHasher;
  clerkDigest: string;
  /** Where the pair comes from: never from our own hashing. */
  source: string;
}

/**
 * Known answers from each algorithm's reference or its original implementation's tests. Costs are
 * the references' own (low ones, so the tests stay quick), except Django's bcrypt_sha256 (cost 12).
 */
export const PASSWORD_VECTORS: readonly PasswordVector[] = [
  {
    format: 'bcrypt',
    password: 'U*U',
    hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    hasher: 'bcrypt',
    clerkDigest: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    source: "Openwall crypt_blowfish's test vectors (wrapper.c)",
  },
  {
    format: 'argon2id',
    password: 'password',
    hash: '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4',
    hasher: 'argon2id',
    clerkDigest: '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4',
    source: 'the argon2 reference implementation, phc-winner-argon2 src/test.c (t=2, m=2^8, p=1, "somesalt")',
  },
  {
    format: 'argon2i',
    password: 'password',
    hash: '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8',
    hasher: 'argon2i',
    clerkDigest: '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8',
    source: 'the argon2 reference implementation, phc-winner-argon2 src/test.c (t=2, m=2^8, p=1, "somesalt")',
  },
  {
    format: 'pbkdf2_sha256_django',
    password: 'lètmein',
    hash: 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=',
    hasher: 'pbkdf2_sha256_django',
    clerkDigest: 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=',
    source: "Django's own hasher tests (test_hashers.py, test_pkbdf2, Django 1.5/1.6: 10,000 iterations, a non-ASCII password)",
  },
  {
    format: 'bcrypt_sha256_django',
    password: 'ExjGmyUT73bFoT',
    hash: 'bcrypt_sha256$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK',
    hasher: 'bcrypt_sha256_django',
    clerkDigest: 'bcrypt_sha256$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK',
    source: "the tests of djangohashers, the Rust port of Django's hashers",
  },
  {
    format: 'phpass',
    password: 'test12345',
    hash: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0',
    hasher: 'phpass',
    clerkDigest: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0',
    source: "phpass 0.3's test.php (openwall.com/phpass)",
  },
  {
    format: 'md5',
    password: 'password',
    hash: '5f4dcc3b5aa765d61d8327deb882cf99',
    hasher: 'md5',
    clerkDigest: '5f4dcc3b5aa765d61d8327deb882cf99',
    source: 'Clerk\'s own example for the md5 hasher (MD5 of "password")',
  },
  {
    format: 'sha256',
    password: 'test',
    hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    hasher: 'sha256',
    clerkDigest: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    source: 'Clerk\'s own example for the sha256 hasher (SHA-256 of "test")',
  },
];

/** phpBB 3 writes phpass hashes as `$H$`; the digest after the prefix is the same. */
export const PHPBB_VECTOR = { password: 'test12345', hash: '$H$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' } as const;

/** Hashes no one can import: invalid under the password strategy, never sent under a wrong hasher. */
export const UNSUPPORTED_HASHES: readonly { label: string; hash: string }[] = [
  { label: 'Django sha1', hash: 'sha1$KQ8zeK6wKRuR$f83371bca01fa6089456e673ccfb17f42d810b00' },
  { label: 'a truncated bcrypt', hash: '$2b$12$LZSJchsWG/DrBy1erNs4ee' },
  { label: 'bcrypt $2x$', hash: '$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' },
  { label: 'argon2d', hash: '$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$JcTui6RIBUtJ78gE5Hi52CO+H5vS6Z9R1uxAB6OhUB8' },
  { label: 'a truncated Django pbkdf2', hash: 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3' },
  { label: '31 hex digits', hash: '5f4dcc3b5aa765d61d8327deb882cf9' },
  { label: 'plain text', hash: 'hunter2' },
];
