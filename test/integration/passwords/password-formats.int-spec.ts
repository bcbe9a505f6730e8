import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MigrationService } from '../../../src/migration/migration.service.js';
import {
  DEFAULT_LIVE_SECRET_KEY,
  DEFAULT_TEST_SECRET_KEY,
  startClerkEmulator,
  type ClerkEmulator,
} from '../../../tools/clerk-emulator/index.js';
import { PASSWORD_VECTORS, PHPBB_VECTOR, UNSUPPORTED_HASHES } from '../../factories/password-vectors.js';
import { insertUsers, makeUser, type TestUser } from '../../factories/user.factory.js';
import { drainedOutbox, FAST_INVITATIONS } from '../../utils/invitations.js';
import { createTestApp } from '../../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

const SIGNED_UP = new Date('2017-06-01T08:30:00.123Z');

/** One legacy user per known vector, an admin among them, all signed up long ago. */
function vectorUsers(): (TestUser & { format: string })[] {
  return PASSWORD_VECTORS.map((v, i) => ({
    ...makeUser({
      passwordHash: v.hash,
      password: v.password,
      role: i === 0 ? 'admin' : 'user',
      createdAt: new Date(SIGNED_UP.getTime() + i * 1000),
    }),
    format: v.format,
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

  const boot = async (secretKey = DEFAULT_LIVE_SECRET_KEY) => {
    app = await createTestApp(db.url, {
      CLERK_SECRET_KEY: secretKey,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '1000',
      LEGACY_DUMMY_HASH_COST: '4',
      ...FAST_INVITATIONS,
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
    const expected = { ...Object.fromEntries(PASSWORD_VECTORS.map((v) => [v.format, 1])), unsupported: UNSUPPORTED_HASHES.length, none: 1 };
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
        password_hasher: user.format,
        password_digest: user.passwordHash,
        created_at: user.createdAt.getTime(),
      });
      expect(account.public_metadata).toMatchObject({ role: user.role });
      expect(() => clerk.signIn(user.email, `${user.password}-not`)).toThrow(/Password is incorrect/);
      expect(clerk.signIn(user.email, user.password!).userId).toBe(account.id);
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
    clerk.signIn(phpbb.email, 'test12345');
    clerk.signIn(md5.email, 'password');
    expect(accountOf(md5)).toMatchObject({ password_hasher: 'bcrypt' });
    expect(clerk.signIn(md5.email, 'password').userId).toBe(accountOf(md5)!.id);
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
        password_hasher: user.format,
        created_at: user.createdAt.getTime(),
        public_metadata: expect.objectContaining({ role: user.role }),
      });
      expect(clerk.signIn(user.email, user.password!).userId).toBe(accountOf(user)!.id);
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
