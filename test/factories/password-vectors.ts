import type { ClerkPasswordHasher, PasswordFormatName, PasswordSettings } from '../../src/passwords/password-formats.js';

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
  {
    format: 'pbkdf2_sha1_werkzeug',
    password: 'password',
    hash: 'pbkdf2:sha1:4096$salt$4b007901b765489abead49d926f721d065a429c1',
    hasher: 'pbkdf2_sha1',
    clerkDigest: 'pbkdf2_sha1$4096$73616c74$4b007901b765489abead49d926f721d065a429c1$20',
    source: 'RFC 6070 (PBKDF2-HMAC-SHA1 test vectors), case 3: P="password", S="salt", c=4096, dkLen=20, in Werkzeug’s form',
  },
  {
    format: 'pbkdf2_sha256_werkzeug',
    password: 'Jelszó-ékezet ő',
    hash: 'pbkdf2:sha256:260000$PxxF4QrUob13H5pC$74fe0a317a0dbf08a0d4552646d061224455d9e4fe1bde5a947cade772c6b3f2',
    hasher: 'pbkdf2_sha256',
    clerkDigest: 'pbkdf2_sha256$260000$UHh4RjRRclVvYjEzSDVwQw==$dP4KMXoNvwig1FUmRtBhIkRV2eT+G95alHyt53LGs/I=',
    source:
      'a Werkzeug 2 generate_password_hash output (its default then, 260,000 iterations; a non-ASCII password), published in the tests of a Rust port of werkzeug.security',
  },
  {
    format: 'pbkdf2_sha512_werkzeug',
    password: 'password',
    hash: 'pbkdf2:sha512:1$salt$867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce',
    hasher: 'pbkdf2_sha512',
    clerkDigest:
      'pbkdf2_sha512$1$salt$867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce',
    source:
      'the published PBKDF2-HMAC-SHA512 test vectors on RFC 6070’s inputs (P="password", S="salt", c=1, dkLen=64), in Werkzeug’s form',
  },
  {
    format: 'pbkdf2_sha1_passlib',
    password: 'password',
    hash: '$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI',
    hasher: 'pbkdf2_sha1',
    clerkDigest: 'pbkdf2_sha1$1212$381f9db674845d92bc539720c54fc661$cb92ca3cea65466a24ec2669fdaa950d583ccc62$20',
    source: "passlib's own tests (passlib/tests/test_handlers_pbkdf2.py, pbkdf2_sha1_test.known_correct_hashes)",
  },
  {
    format: 'pbkdf2_sha256_passlib',
    password: 'password',
    hash: '$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ',
    hasher: 'pbkdf2_sha256',
    clerkDigest: 'pbkdf2_sha256$1212$4vjV83LKPjQzk31VI4E0Vw==$hsYF68OiOUPdDZ1Fg+fJPeq1h/gXXY7acBp9/6c+tmQ=',
    source: "passlib's own tests (test_handlers_pbkdf2.py, pbkdf2_sha256_test)",
  },
  {
    format: 'pbkdf2_sha512_passlib',
    password: 'password',
    hash: '$pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s.FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww',
    hasher: 'pbkdf2_sha512_hex',
    clerkDigest:
      'pbkdf2_sha512_hex$1212$44763416bdc80cc4953bf4526726f9a3$78d2df04af9e568ce898cafed6061ad7b93d07b2882b6e4d384b21be1ad25fe7aca98decf85bd6655897cf82a82e5408f81cd8fd84cd24e88a739801605606c3',
    source: "passlib's own tests (test_handlers_pbkdf2.py, pbkdf2_sha512_test)",
  },
  {
    format: 'scrypt_werkzeug',
    password: 'aiden123',
    hash: 'scrypt:32768:8:1$kbFucH2SKnaRF3K9$167b9855d7ef998754a84b27dbdc3aac3155df3958a72e6c5db7b26dd4ffc610a4f3b72a54dd0dcc9ab6570c07405bff6b6a98fdf52e97f7d4648993a77f4a37',
    hasher: 'scrypt_werkzeug',
    clerkDigest:
      'scrypt:32768:8:1$kbFucH2SKnaRF3K9$167b9855d7ef998754a84b27dbdc3aac3155df3958a72e6c5db7b26dd4ffc610a4f3b72a54dd0dcc9ab6570c07405bff6b6a98fdf52e97f7d4648993a77f4a37',
    source:
      'a Werkzeug 3 generate_password_hash output at its default (scrypt:32768:8:1), published with its password in a check_password_hash script',
  },
  {
    format: 'ldap_ssha',
    password: 'testing123',
    hash: '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
    hasher: 'ldap_ssha',
    clerkDigest: '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
    source: "passlib's own tests (test_handlers.py, ldap_salted_sha1_test.known_correct_hashes)",
  },
  {
    format: 'sha512_symfony',
    password: 'geheim123',
    hash: 'sha512_symfony$5000$saltsalt$A0n30NANXyfW5dmoMkqfAQVmQM11F7lD4yXq5/3VyehCfTpvaG7VP4pgmkCuFG086X18cEr+IqDng6g8ieTYKg==',
    hasher: 'sha512_symfony',
    clerkDigest: 'sha512_symfony$5000$saltsalt$A0n30NANXyfW5dmoMkqfAQVmQM11F7lD4yXq5/3VyehCfTpvaG7VP4pgmkCuFG086X18cEr+IqDng6g8ieTYKg==',
    source:
      "no literal SHA-512 pair is published: made by the definition Symfony's MessageDigestPasswordHasherTest asserts (hash(hash(password{salt}) . password{salt})…), Symfony's default 5,000 iterations, by hand outside src/",
  },
];

/**
 * More published pairs, for the formats' own checks only (one user per format is enough elsewhere):
 * other passwords, other encodings, other cases of the same references.
 */
export const MORE_VECTORS: readonly Pick<PasswordVector, 'format' | 'password' | 'hash' | 'source'>[] = [
  {
    format: 'pbkdf2_sha1_werkzeug',
    password: 'password',
    hash: 'pbkdf2:sha1:2$salt$ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957',
    source: 'RFC 6070, case 2 (c=2)',
  },
  {
    format: 'pbkdf2_sha256_werkzeug',
    password: 'titok123',
    hash: 'pbkdf2:sha256:1000$3l7nq5hS$ee316dfe3830406c728991501fdfdde0f5189df2f31faacfe5931fcef4eb0ab7',
    source: 'a Werkzeug generate_password_hash output, published with the one above',
  },
  {
    format: 'pbkdf2_sha1_passlib',
    password: '\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2',
    hash: '$pbkdf2$1212$THDqatpidANpadlLeTeOEg$HV3oi1k5C5LQCgG1BMOL.BX4YZc',
    source: "passlib's own tests (UPASS_WAV, a non-ASCII password)",
  },
  {
    format: 'pbkdf2_sha256_passlib',
    password: '\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2',
    hash: '$pbkdf2-sha256$1212$3SABFJGDtyhrQMVt1uABPw$WyaUoqCLgvz97s523nF4iuOqZNbp5Nt8do/cuaa7AiI',
    source: "passlib's own tests (UPASS_WAV)",
  },
  {
    format: 'pbkdf2_sha512_passlib',
    password: '\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2',
    hash: '$pbkdf2-sha512$1212$KkbvoKGsAIcF8IslDR6skQ$8be/PRmd88Ps8fmPowCJttH9G3vgxpG.Krjt3KT.NP6cKJ0V4Prarqf.HBwz0dCkJ6xgWnSj2ynXSV7MlvMa8Q',
    source: "passlib's own tests (UPASS_WAV)",
  },
  {
    format: 'scrypt_werkzeug',
    password: 'JaboInteriors@2024',
    hash: 'scrypt:32768:8:1$bCvltLZtcMdyX6ak$726965031c6c6e2ea2d9c11e5cff6a2fa6fd2cebd7e4ac65e296c71e3aa428bcf51af95f669260f6fe95ac0730c6e17d8751e586de193110522a66d0014c98e8',
    source: 'another published Werkzeug 3 output with its password',
  },
  { format: 'ldap_ssha', password: 'secret', hash: '{SSHA}0H+zTv8o4MR4H43n03eCsvw1luG8LdB7', source: "passlib's own tests" },
  {
    format: 'ldap_ssha',
    password: 'test',
    hash: '{SSHA}P90+qijSp8MJ1tN25j5o1PflUvlqjXHOGeOckw==',
    source: "passlib's own tests (an 8-byte salt)",
  },
];

/**
 * The outside parameters the configured formats' vectors were made with: Firebase's published sample
 * project (the README of github.com/firebase/scrypt), and a Devise pepper.
 */
export const VECTOR_SETTINGS = {
  pepper: 'U*U',
  firebase: {
    signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
    saltSeparator: 'Bw==',
    rounds: 8,
    memCost: 14,
  },
} as const satisfies PasswordSettings;

/** The same, as the service reads them from its environment. */
export const VECTOR_ENV = {
  PASSWORD_PEPPER: VECTOR_SETTINGS.pepper,
  FIREBASE_SCRYPT_SIGNER_KEY: VECTOR_SETTINGS.firebase.signerKey,
  FIREBASE_SCRYPT_SALT_SEPARATOR: VECTOR_SETTINGS.firebase.saltSeparator,
  FIREBASE_SCRYPT_ROUNDS: String(VECTOR_SETTINGS.firebase.rounds),
  FIREBASE_SCRYPT_MEM_COST: String(VECTOR_SETTINGS.firebase.memCost),
};

/** None of them: `createTestApp` leaves the variables of an earlier app in `process.env` unless told to unset them. */
export const NO_VECTOR_ENV: Record<keyof typeof VECTOR_ENV, undefined> = {
  PASSWORD_PEPPER: undefined,
  FIREBASE_SCRYPT_SIGNER_KEY: undefined,
  FIREBASE_SCRYPT_SALT_SEPARATOR: undefined,
  FIREBASE_SCRYPT_ROUNDS: undefined,
  FIREBASE_SCRYPT_MEM_COST: undefined,
};

/** Vectors of the formats that need `VECTOR_SETTINGS` (with the pepper set, plain bcrypt is read as peppered). */
export const CONFIGURED_VECTORS: readonly PasswordVector[] = [
  {
    format: 'bcrypt_peppered',
    password: 'U*',
    hash: '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a',
    hasher: 'bcrypt_peppered',
    clerkDigest: '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a$U*U',
    source: 'Openwall crypt_blowfish\'s vector for "U*U*U", read as Devise makes it: the password "U*" with the pepper "U*U" appended',
  },
  {
    format: 'scrypt_firebase',
    password: 'user1password',
    hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==$42xEC+ixf3L2lw==',
    hasher: 'scrypt_firebase',
    clerkDigest:
      'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==$42xEC+ixf3L2lw==$jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==$Bw==$8$14',
    source: "Firebase's own example (README of github.com/firebase/scrypt): an exported user's passwordHash and salt, joined",
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
  { label: 'Werkzeug pbkdf2 with a truncated key', hash: 'pbkdf2:sha256:600000$UHPj66oh$cc3dc47a36495252a0ad94d03f1760d8' },
  { label: 'Werkzeug pbkdf2 of an unknown digest', hash: 'pbkdf2:md5:1000$salt$0123456789abcdef0123456789abcdef' },
  { label: 'LDAP SSHA with a 3-byte salt', hash: '{SSHA}ZQK3Yvtvl6wtIRoISgMGPkcWU7Nfq5U=' },
  { label: 'LDAP unsalted SHA', hash: '{SHA}at+xg6SiyUovktq1redipHiJpaE=' },
  { label: 'Werkzeug scrypt with a short key', hash: 'scrypt:32768:8:1$kbFucH2SKnaRF3K9$167b9855d7ef998754a84b27dbdc3aac' },
  { label: 'passlib pbkdf2 with a short key', hash: '$pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg' },
];
