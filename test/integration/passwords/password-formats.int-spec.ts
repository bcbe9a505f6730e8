import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { phpassFormat } from '../../../src/passwords/phpass.format.js';
import { md5Format } from '../../../src/passwords/unsalted-digest.format.js';
import {
  DEFAULT_LIVE_SECRET_KEY,
  DEFAULT_TEST_SECRET_KEY,
  startClerkEmulator,
  type ClerkEmulator,
} from '../../../tools/clerk-emulator/index.js';
import {
  CONFIGURED_VECTORS,
  PASSWORD_VECTORS,
  PHPBB_VECTOR,
  UNSUPPORTED_HASHES,
  VECTOR_ENV,
  NO_VECTOR_ENV,
} from '../../factories/password-vectors.js';
import { insertUsers, makeUser, type TestUser } from '../../factories/user.factory.js';
import { drainedOutbox, scaledInvitations } from '../../utils/invitations.js';
import { createTestApp } from '../../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

const SIGNED_UP = new Date('2017-06-01T08:30:00.123Z');

/** One legacy user per known vector, an admin among them, all signed up long ago. */
function vectorUsers(): (TestUser & { format: string; hasher: string; clerkDigest: string })[] {
  return PASSWORD_VECTORS.map((v, i) => ({
    ...makeUser({
      passwordHash: v.hash,
      password: v.password,
      role: i === 0 ? 'admin' : 'user',
      createdAt: new Date(SIGNED_UP.getTime() + i * 1000),
    }),
    format: v.format,
    hasher: v.hasher,
    clerkDigest: v.clerkDigest,
  }));
}

describe('every password format, imported into Clerk and signed in with the old password', () => {
  let clerk: ClerkEmulator;
  let db: TestDatabase;
  let app: INestApplication;
  const migration = () => app.get(MigrationService);

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false, secretKeys: [DEFAULT_TEST_SECRET_KEY, DEFAULT_LIVE_SECRET_KEY] });
  });
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.close();
    await db.drop();
    clerk.reset();
  });
  afterAll(async () => clerk.stop());

  const boot = async (secretKey = DEFAULT_LIVE_SECRET_KEY, env: Record<string, string> = {}) => {
    // Unset unless asked for: an earlier test's PASSWORD_PEPPER would read every bcrypt hash as peppered.
    app = await createTestApp(db.url, {
      CLERK_SECRET_KEY: secretKey,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '1000',
      LEGACY_DUMMY_HASH_COST: '4',
      ...NO_VECTOR_ENV,
      ...scaledInvitations(),
      ...env,
    });
  };
  const accountOf = (user: TestUser) => clerk.users().find((u) => u.external_id === user.userId);

  it('counts users per format in stats and in the dry run, and plans each under its own hasher', async () => {
    await insertUsers(db.pool, [
      ...vectorUsers(),
      ...UNSUPPORTED_HASHES.map((u) => makeUser({ passwordHash: u.hash })),
      makeUser({ password: null }),
    ]);
    await boot();

    const stats = await migration().stats();
    const expected = {
      ...Object.fromEntries(PASSWORD_VECTORS.map((v) => [v.format, 1])),
      scrypt_firebase: 0,
      unsupported: UNSUPPORTED_HASHES.length,
      none: 1,
    };
    expect(stats.byPasswordFormat).toEqual(expected);

    const plan = await migration().dryRun({ actor: 'test' });
    expect(plan.byPasswordFormat).toEqual(expected);
    expect(plan.byAction).toEqual({ create: PASSWORD_VECTORS.length, invalid: UNSUPPORTED_HASHES.length, invite: 1 });
    for (const planned of plan.users.filter((u) => u.action === 'create')) {
      expect(planned.reason).toBe(`${planned.passwordHasher}_digest`);
    }
    expect(plan.users.filter((u) => u.action === 'invalid').every((u) => u.reason === 'unsupported_hash')).toBe(true);
    expect(plan.warnings).toEqual([]);
    expect(clerk.users()).toHaveLength(0);
  });

  it('imports each format with its hasher, its role and its sign-up time; each person signs in at Clerk with the old password', async () => {
    const users = vectorUsers();
    await insertUsers(db.pool, users);
    await boot();
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ total: users.length, created: users.length });

    for (const user of users) {
      const account = accountOf(user)!;
      expect(account).toMatchObject({
        password_hasher: user.hasher,
        password_digest: user.clerkDigest,
        created_at: user.createdAt.getTime(),
      });
      expect(account.public_metadata).toMatchObject({ role: user.role });
      await expect(clerk.signIn(user.email, `${user.password}-not`)).rejects.toThrow(/Password is incorrect/);
      expect((await clerk.signIn(user.email, user.password!)).userId).toBe(account.id);
    }
  });

  it('sends phpBB’s $H$ as $P$ and upper-case hex in lower case, and Clerk rehashes md5 at the first sign-in', async () => {
    const [phpbb, md5] = await insertUsers(db.pool, [
      makeUser({ passwordHash: PHPBB_VECTOR.hash, password: PHPBB_VECTOR.password }),
      makeUser({ passwordHash: '5F4DCC3B5AA765D61D8327DEB882CF99', password: 'password' }),
    ]);
    await boot();
    await migration().migrate({ actor: 'test' });
    expect(accountOf(phpbb)).toMatchObject({ password_hasher: 'phpass', password_digest: `$P$${PHPBB_VECTOR.hash.slice(3)}` });
    expect(accountOf(md5)).toMatchObject({ password_hasher: 'md5', password_digest: '5f4dcc3b5aa765d61d8327deb882cf99' });
    await clerk.signIn(phpbb.email, 'test12345');
    await clerk.signIn(md5.email, 'password');
    expect(accountOf(md5)).toMatchObject({ password_hasher: 'bcrypt' });
    expect((await clerk.signIn(md5.email, 'password')).userId).toBe(accountOf(md5)!.id);
  });

  it('imports Devise’s peppered bcrypt and Firebase’s scrypt with the configured parameters; each person signs in at Clerk', async () => {
    const users = await insertUsers(
      db.pool,
      CONFIGURED_VECTORS.map((v) => makeUser({ passwordHash: v.hash, password: v.password })),
    );
    await boot(DEFAULT_LIVE_SECRET_KEY, VECTOR_ENV);
    expect((await migration().stats()).byPasswordFormat).toMatchObject({ bcrypt_peppered: 1, scrypt_firebase: 1 });
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ total: users.length, created: users.length });
    for (const [i, user] of users.entries()) {
      expect(accountOf(user)).toMatchObject({
        password_hasher: CONFIGURED_VECTORS[i].hasher,
        password_digest: CONFIGURED_VECTORS[i].clerkDigest,
      });
      await expect(clerk.signIn(user.email, `${user.password}-not`)).rejects.toThrow(/Password is incorrect/);
      expect((await clerk.signIn(user.email, user.password!)).userId).toBe(accountOf(user)!.id);
    }
  });

  it('counts a Firebase hash without its parameters, and plans it invalid with a reason that names the variable', async () => {
    const firebase = CONFIGURED_VECTORS.find((v) => v.format === 'scrypt_firebase')!;
    await insertUsers(db.pool, [makeUser({ passwordHash: firebase.hash })]);
    await boot();
    expect((await migration().stats()).byPasswordFormat).toMatchObject({ scrypt_firebase: 1, unsupported: 0 });
    const plan = await migration().dryRun({ actor: 'test' });
    expect(plan.users).toEqual([expect.objectContaining({ action: 'invalid', reason: 'missing_FIREBASE_SCRYPT_SIGNER_KEY' })]);
  });

  it('checks passwords with its own code: a wrong conversion on our side fails at Clerk’s door', async () => {
    // Deliberately broken transforms: phpBB's $H$ sent unconverted (Clerk refuses the form), and an
    // md5 digest sent as the md5 of something else (the form is right, the password no longer matches).
    const unconverted = jest.spyOn(phpassFormat, 'toClerkDigest').mockImplementation((hash) => hash);
    const wrongDigest = jest.spyOn(md5Format, 'toClerkDigest').mockImplementation(() => '5f4dcc3b5aa765d61d8327deb882cf98');
    try {
      const [phpbb, md5] = await insertUsers(db.pool, [
        makeUser({ passwordHash: PHPBB_VECTOR.hash, password: PHPBB_VECTOR.password }),
        makeUser({ passwordHash: '5f4dcc3b5aa765d61d8327deb882cf99', password: 'password' }),
      ]);
      await boot();
      const run = await migration().migrate({ actor: 'test' });
      expect(run.counts).toMatchObject({ created: 1, failed: 1 });
      expect(accountOf(phpbb)).toBeUndefined();
      await expect(clerk.signIn(phpbb.email, PHPBB_VECTOR.password)).rejects.toThrow(/Couldn't find your account/);
      expect(accountOf(md5)).toMatchObject({ password_hasher: 'md5' });
      await expect(clerk.signIn(md5.email, 'password')).rejects.toThrow(/Password is incorrect/);
    } finally {
      unconverted.mockRestore();
      wrongDigest.mockRestore();
    }
  });

  it('never sends a hash Clerk cannot import: invalid under the password strategy, invited without it under invite', async () => {
    const users = await insertUsers(
      db.pool,
      UNSUPPORTED_HASHES.map((u) => makeUser({ passwordHash: u.hash })),
    );
    await boot();
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ total: users.length, failed: users.length });
    const items = await db.pool.query('SELECT error_code FROM migration_items WHERE run_id = $1', [run.id]);
    expect(items.rows.every((row) => row.error_code === 'unsupported_hash')).toBe(true);
    expect(clerk.users()).toHaveLength(0);

    const invited = await migration().migrate({ actor: 'test', strategy: 'invite' });
    expect(invited.counts).toMatchObject({ total: users.length, created: users.length });
    for (const account of clerk.users()) expect(account).toMatchObject({ password_digest: null, password_hasher: null });
    expect(await drainedOutbox(db.pool)).toEqual({ sent: users.length });
    expect(clerk.invitations()).toHaveLength(users.length);
  });

  it('gives a rolled-back and re-migrated person the same profile and password', async () => {
    const users = vectorUsers().slice(0, 3);
    await insertUsers(db.pool, users);
    await boot();
    const first = await migration().migrate({ actor: 'test' });
    await migration().rollback({ runId: first.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    expect(clerk.users()).toHaveLength(0);
    await migration().migrate({ actor: 'test' });
    for (const user of users) {
      expect(accountOf(user)).toMatchObject({
        password_hasher: user.hasher,
        created_at: user.createdAt.getTime(),
        public_metadata: expect.objectContaining({ role: user.role }),
      });
      expect((await clerk.signIn(user.email, user.password!)).userId).toBe(accountOf(user)!.id);
    }
  });

  it('warns, with the numbers, when a development instance cannot hold the plan', async () => {
    for (let i = 0; i < 97; i++) clerk.seedUser({ email: `already-${i}@example.com` });
    await insertUsers(db.pool, vectorUsers().slice(0, 5));
    await boot(DEFAULT_TEST_SECRET_KEY);

    const plan = await migration().dryRun({ actor: 'test' });
    expect(plan.warnings).toEqual([
      expect.objectContaining({ code: 'development_instance_user_cap', cap: 100, clerkUsers: 97, newAccounts: 5 }),
    ]);
    expect(plan.warnings[0].message).toMatch(/at most 100 users: it has 97 and this plan creates 5, 2 too many/);
    expect((await migration().dryRun({ actor: 'test', limit: 3 })).warnings).toEqual([]);

    const run = await migration().migrate({ actor: 'test', limit: 4 });
    expect(run.options.warnings).toEqual([
      expect.objectContaining({ code: 'development_instance_user_cap', clerkUsers: 97, newAccounts: 4 }),
    ]);
  });
});
