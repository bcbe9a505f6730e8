import { describe, expect, it } from '@jest/globals';
import {
  CONFIGURED_VECTORS,
  MORE_VECTORS,
  PASSWORD_VECTORS,
  PHPBB_VECTOR,
  UNSUPPORTED_HASHES,
  VECTOR_SETTINGS,
} from '../../test/factories/password-vectors.js';
import { literalPrefix, PasswordFormats } from './password-formats.js';
import { phpassCrypt } from './phpass.format.js';

/** Unconfigured: no pepper, no Firebase parameters, as a service without them would run. */
const formats = new PasswordFormats();
const PASSWORD_FORMATS = formats.all;
const detectPasswordFormat = (hash: string | null) => formats.detect(hash);
const passwordFormatLabel = (hash: string | null) => formats.label(hash);
const clerkPasswordImport = (hash: string | null) => formats.clerkImport(hash);
const verifyPassword = (password: string, hash: string) => formats.verify(password, hash);
const passwordCostClass = (hash: string) => formats.costClass(hash);

const vectors = PASSWORD_VECTORS.map((v) => [v.format, v] as const);

describe('password formats, against known vectors', () => {
  it.each(vectors)('recognises %s by its shape alone', (format, { hash }) => {
    expect(detectPasswordFormat(hash)?.name).toBe(format);
    expect(PASSWORD_FORMATS.filter((f) => f.shape.test(hash))).toHaveLength(1);
    expect(passwordFormatLabel(hash)).toBe(format);
  });

  it.each(vectors)('verifies the %s vector with its password, off the event loop', async (_format, { password, hash }) => {
    await expect(verifyPassword(password, hash)).resolves.toBe(true);
  });

  it.each(vectors)('refuses a wrong %s password, an empty one and a case change', async (_format, { password, hash }) => {
    const format = detectPasswordFormat(hash)!;
    for (const wrong of [`${password}x`, '', password.toUpperCase() === password ? password.toLowerCase() : password.toUpperCase()]) {
      await expect(format.verify(wrong, hash)).resolves.toBe(false);
    }
  });

  it.each(vectors)('hands Clerk the %s digest in the form Clerk documents, under its hasher', (_format, { hash, hasher, clerkDigest }) => {
    expect(clerkPasswordImport(hash)).toEqual({ digest: clerkDigest, hasher });
  });

  it.each(vectors)('converts %s to Clerk’s form and back without losing anything', (_format, { hash, clerkDigest }) => {
    const format = detectPasswordFormat(hash)!;
    expect(format.toClerkDigest(hash)).toBe(clerkDigest);
    if (hash === clerkDigest && !format.fromClerkDigest) return;
    expect(format.fromClerkDigest!(clerkDigest)).toBe(hash);
    expect(format.toClerkDigest(format.fromClerkDigest!(clerkDigest))).toBe(clerkDigest);
  });

  it.each(MORE_VECTORS.map((v) => [v.format, v.source, v] as const))(
    'verifies another published %s pair (%s)',
    async (format, _source, v) => {
      expect(detectPasswordFormat(v.hash)?.name).toBe(format);
      await expect(verifyPassword(v.password, v.hash)).resolves.toBe(true);
      await expect(verifyPassword(`${v.password}x`, v.hash)).resolves.toBe(false);
      const converted = detectPasswordFormat(v.hash)!;
      if (converted.fromClerkDigest) expect(converted.fromClerkDigest(converted.toClerkDigest(v.hash))).toBe(v.hash);
    },
  );
});

describe('digests that are of a known shape but broken', () => {
  it.each([
    ['bcrypt', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX', 'U*U'],
    ['argon2id with no memory', '$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4', 'password'],
    ['argon2i with an altered hash', '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS9', 'password'],
    [
      'Django pbkdf2 with more iterations than PBKDF2 takes',
      'pbkdf2_sha256$9999999999$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=',
      'lètmein',
    ],
    ['Django pbkdf2 with an altered key', 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvBrtVY=', 'lètmein'],
    ['Django bcrypt_sha256', 'bcrypt_sha256$$2b$04$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK', 'ExjGmyUT73bFoT'],
    ['phpass with an altered checksum', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L1', 'test12345'],
    ['md5', '5f4dcc3b5aa765d61d8327deb882cf98', 'password'],
    ['sha256', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a09', 'test'],
  ])('answers no to %s, without throwing', async (_label, hash, password) => {
    const format = detectPasswordFormat(hash)!;
    expect(format).not.toBeNull();
    await expect(format.verify(password, hash)).resolves.toBe(false);
  });
});

describe('hashes Clerk cannot import', () => {
  it.each(UNSUPPORTED_HASHES.map((u) => [u.label, u.hash]))(
    '%s is of no format, verifies nothing and is never imported',
    async (_label, hash) => {
      expect(detectPasswordFormat(hash)).toBeNull();
      expect(passwordFormatLabel(hash)).toBe('unsupported');
      expect(clerkPasswordImport(hash)).toBeNull();
      await expect(verifyPassword('anything', hash)).resolves.toBe(false);
    },
  );

  it('labels a missing hash as none', () => {
    expect(passwordFormatLabel(null)).toBe('none');
    expect(clerkPasswordImport(null)).toBeNull();
  });
});

describe('the forms Clerk documents', () => {
  it('accepts phpBB’s $H$ hashes, and sends them to Clerk as $P$, the same digest', async () => {
    await expect(verifyPassword(PHPBB_VECTOR.password, PHPBB_VECTOR.hash)).resolves.toBe(true);
    expect(clerkPasswordImport(PHPBB_VECTOR.hash)).toEqual({ digest: `$P$${PHPBB_VECTOR.hash.slice(3)}`, hasher: 'phpass' });
  });

  it('reads upper-case hex digests and sends them in lower case', async () => {
    await expect(verifyPassword('password', '5F4DCC3B5AA765D61D8327DEB882CF99')).resolves.toBe(true);
    expect(clerkPasswordImport('5F4DCC3B5AA765D61D8327DEB882CF99')).toEqual({ digest: '5f4dcc3b5aa765d61d8327deb882cf99', hasher: 'md5' });
  });

  it('recognises the argon2 examples of Clerk’s own documentation', () => {
    expect(
      detectPasswordFormat(
        '$argon2i$v=19$m=4096,t=3,p=1$4t6CL3P7YiHBtwESXawI8Hm20zJj4cs7/4/G3c187e0$m7RQFczcKr5bIR0IIxbpO2P0tyrLjf3eUW3M3QSwnLc',
      )?.name,
    ).toBe('argon2i');
    expect(detectPasswordFormat('$argon2id$v=19$m=64,t=4,p=8$Z2liZXJyaXNo$iGXEpMBTDYQ8G/71tF0qGjxRHEmR3gpGULcE93zUJVU')?.name).toBe(
      'argon2id',
    );
  });

  it('refuses argon2 of another version than 19, which Clerk would misread', () => {
    expect(detectPasswordFormat('$argon2i$m=256,t=2,p=2$c29tZXNhbHQ$tsEVYKap1h6scGt5ovl9aLRGOqOth+AMB+KwHpDFZPs')).toBeNull();
  });
});

describe('phpass', () => {
  it('computes the published crypt_private, including the 2-character tail of its encoding', () => {
    expect(phpassCrypt('test12345', '$P$9IQRaTwmf')).toBe('$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0');
  });

  it('checks many passwords at once on its worker threads, each with its own answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => verifyPassword(i % 2 === 0 ? 'test12345' : `nope-${i}`, '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0')),
    );
    expect(answers).toEqual([true, false, true, false, true, false, true, false]);
  });
});

describe('the stretching workers', () => {
  it('run phpass’s md5 and Symfony’s sha512 rounds side by side, each job with its own digest and answer', async () => {
    const phpass = PASSWORD_VECTORS.find((v) => v.format === 'phpass')!;
    const symfony = PASSWORD_VECTORS.find((v) => v.format === 'sha512_symfony')!;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const v = i % 2 === 0 ? phpass : symfony;
        return verifyPassword(i % 4 < 2 ? v.password : `nope-${i}`, v.hash);
      }),
    );
    expect(answers).toEqual([true, true, false, false, true, true, false, false]);
  });
});

describe('the cost class of a hash', () => {
  const costClasses: Record<string, string> = {
    bcrypt: '$2a$05$',
    argon2id: '$argon2id$v=19$m=256,t=2,p=1$',
    argon2i: '$argon2i$v=19$m=256,t=2,p=1$',
    pbkdf2_sha256_django: 'pbkdf2_sha256$10000$',
    bcrypt_sha256_django: 'bcrypt_sha256$$2b$12$',
    phpass: '$P$9',
    md5: 'md5',
    sha256: 'sha256',
    pbkdf2_sha1_werkzeug: 'pbkdf2:sha1:4096',
    pbkdf2_sha256_werkzeug: 'pbkdf2:sha256:260000',
    pbkdf2_sha512_werkzeug: 'pbkdf2:sha512:1',
    pbkdf2_sha1_passlib: '$pbkdf2$1212$',
    pbkdf2_sha256_passlib: '$pbkdf2-sha256$1212$',
    pbkdf2_sha512_passlib: '$pbkdf2-sha512$1212$',
    scrypt_werkzeug: 'scrypt:32768:8:1',
    bcrypt_peppered: '$2a$05$',
    scrypt_firebase: 'scrypt_firebase$8$14',
    ldap_ssha: 'ldap_ssha',
    sha512_symfony: 'sha512_symfony$5000$',
  };

  it.each(vectors)('keeps what sets the cost of checking %s and drops the salt and digest', (format, { hash }) => {
    expect(passwordCostClass(hash)).toBe(costClasses[format]);
  });

  it('tells costs of one format apart', () => {
    expect(passwordCostClass('$2a$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe('$2a$12$');
    expect(passwordCostClass('pbkdf2_sha256$870000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=')).toBe('pbkdf2_sha256$870000$');
  });

  it.each(UNSUPPORTED_HASHES.map((u) => [u.label, u.hash]))('has none for %s, which no format verifies', (_label, hash) => {
    expect(passwordCostClass(hash)).toBeUndefined();
  });
});

describe('the SQL that counts users per format', () => {
  it('passes each format’s pattern, which must carry no flags, behind the literal its shape starts with', () => {
    const { expression, parameters } = formats.sql('u.password_hash', 3);
    expect(parameters).toEqual(PASSWORD_FORMATS.map((f) => (f.sqlShape?.pattern ?? f.shape).source));
    for (const format of PASSWORD_FORMATS) expect([format.shape.flags, format.sqlShape?.pattern.flags ?? '']).toEqual(['', '']);
    expect(expression).toContain(
      "WHEN starts_with(u.password_hash, '$2') AND octet_length(u.password_hash) = 60 AND u.password_hash ~ $3 THEN 'bcrypt'",
    );
    expect(expression).toContain("WHEN octet_length(u.password_hash) = 32 AND u.password_hash ~ $9 THEN 'md5'");
    expect(expression).toContain("ELSE 'unsupported' END");
  });

  it('reads the literal each shape starts with, which every vector of it starts with', () => {
    const prefixes = Object.fromEntries(PASSWORD_FORMATS.map((f) => [f.name, literalPrefix(f.shape)]));
    expect(prefixes).toMatchObject({
      bcrypt: '$2',
      argon2id: '$argon2id$v=19$m=',
      pbkdf2_sha256_django: 'pbkdf2_sha256$',
      phpass: '$',
      md5: '',
      pbkdf2_sha256_werkzeug: 'pbkdf2:sha256:',
      pbkdf2_sha1_passlib: '$pbkdf2$',
      ldap_ssha: '{SSHA}',
    });
    for (const { format, hash } of [...PASSWORD_VECTORS, ...MORE_VECTORS]) expect(hash.startsWith(prefixes[format])).toBe(true);
    expect(literalPrefix(/^ab?c/)).toBe('a');
    expect(literalPrefix(/ab/)).toBe('');
  });
});

describe('formats that need outside parameters', () => {
  const configured = new PasswordFormats(VECTOR_SETTINGS);

  it.each(CONFIGURED_VECTORS.map((v) => [v.format, v] as const))(
    'recognises, verifies and imports %s under its configuration, losslessly',
    async (format, { password, hash, hasher, clerkDigest }) => {
      expect(configured.detect(hash)?.name).toBe(format);
      await expect(configured.verify(password, hash)).resolves.toBe(true);
      await expect(configured.verify(`${password}x`, hash)).resolves.toBe(false);
      expect(configured.clerkImport(hash)).toEqual({ digest: clerkDigest, hasher });
      expect(configured.detect(hash)!.fromClerkDigest!(clerkDigest)).toBe(hash);
    },
  );

  it('reads every bcrypt hash as Devise’s peppered one once a pepper is set, and as plain bcrypt without', async () => {
    const bcrypt = PASSWORD_VECTORS.find((v) => v.format === 'bcrypt')!;
    expect(formats.detect(CONFIGURED_VECTORS[0].hash)?.name).toBe('bcrypt');
    expect(configured.detect(bcrypt.hash)?.name).toBe('bcrypt_peppered');
    // Openwall's "U*U" is "U*U" alone: with the pepper appended it no longer matches.
    await expect(configured.verify(bcrypt.password, bcrypt.hash)).resolves.toBe(false);
    expect(configured.all.map((f) => f.name)).not.toContain('bcrypt');
  });

  it('counts a Firebase hash without its parameters, but neither verifies nor imports it, and names the variable', async () => {
    const firebase = CONFIGURED_VECTORS.find((v) => v.format === 'scrypt_firebase')!;
    expect(formats.label(firebase.hash)).toBe('scrypt_firebase');
    expect(formats.problem(firebase.hash)).toBe('missing_FIREBASE_SCRYPT_SIGNER_KEY');
    expect(formats.clerkImport(firebase.hash)).toBeNull();
    await expect(formats.verify(firebase.password, firebase.hash)).resolves.toBe(false);
    const noRounds = new PasswordFormats({ firebase: { ...VECTOR_SETTINGS.firebase, rounds: undefined } });
    expect(noRounds.problem(firebase.hash)).toBe('missing_FIREBASE_SCRYPT_ROUNDS');
  });

  it('keeps the shapes apart under the configuration too', () => {
    for (const { hash } of [...PASSWORD_VECTORS, ...CONFIGURED_VECTORS]) {
      expect(configured.all.filter((f) => f.shape.test(hash))).toHaveLength(1);
    }
  });
});
