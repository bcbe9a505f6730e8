import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MigrationService } from '../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { bcryptHash, insertUsers, makeUser, type TestUser } from '../factories/user.factory.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { userRowsExceptLink } from './support/bulk-users.js';
import { clerkEnv, closeAll, createWatchedApp } from './support/reliability-app.js';
import { SecretWitness } from './support/secret-witness.js';

interface Case {
  name: string;
  user: Partial<TestUser>;
  /** The item's status and its reason (or error code) after the run. */
  expected: { status: string; code: string };
  /** Set up Clerk before the run. */
  arrange?: (clerk: ClerkEmulator, user: TestUser) => void;
}

const PASSWORD = 'a perfectly ordinary password';
const hash = bcryptHash(PASSWORD);
const invalid = (code: string) => ({ status: 'failed', code });
const created = { status: 'created', code: 'bcrypt_digest' };

const CASES: Case[] = [
  { name: 'no at sign', user: { email: 'not-an-email' }, expected: invalid('invalid_email') },
  { name: 'two at signs', user: { email: 'two@@example.com' }, expected: invalid('invalid_email') },
  { name: 'a space inside', user: { email: 'spaced out@example.com' }, expected: invalid('invalid_email') },
  { name: 'no dot in the domain', user: { email: 'someone@localhost' }, expected: invalid('invalid_email') },
  { name: 'a 65-character local part', user: { email: `${'l'.repeat(65)}@example.com` }, expected: invalid('invalid_email') },
  {
    name: 'a 300-character address',
    user: { email: `${'o'.repeat(60)}@${'d'.repeat(228)}.example.com` },
    expected: invalid('invalid_email'),
  },
  { name: 'an email differing only in case (upper)', user: { email: 'Twin.Case@Example.com' }, expected: invalid('duplicate_email') },
  { name: 'an email differing only in case (lower)', user: { email: 'twin.case@example.com' }, expected: invalid('duplicate_email') },
  { name: 'a $2y$ digest', user: { passwordHash: `$2y$${hash.slice(4)}` }, expected: created },
  { name: 'a $2x$ digest', user: { passwordHash: `$2x$${hash.slice(4)}` }, expected: invalid('unsupported_hash') },
  { name: 'a truncated digest', user: { passwordHash: hash.slice(0, 50) }, expected: invalid('unsupported_hash') },
  {
    name: 'an MD5 hex digest',
    user: { passwordHash: '5f4dcc3b5aa765d61d8327deb882cf99' },
    expected: { status: 'created', code: 'md5_digest' },
  },
  {
    name: 'an argon2id digest',
    user: { passwordHash: '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4' },
    expected: { status: 'created', code: 'argon2id_digest' },
  },
  {
    name: 'an argon2 digest cut short',
    user: { passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo' },
    expected: invalid('unsupported_hash'),
  },
  {
    name: 'a Django sha1 digest',
    user: { passwordHash: 'sha1$KQ8zeK6wKRuR$f83371bca01fa6089456e673ccfb17f42d810b00' },
    expected: invalid('unsupported_hash'),
  },
  { name: 'an empty name', user: { name: '' }, expected: created },
  { name: 'a 10,000-character name', user: { name: 'N'.repeat(10_000) }, expected: created },
  { name: 'an emoji name', user: { name: '🦊 Zoë 👩‍💻' }, expected: created },
  { name: 'a right-to-left name', user: { name: 'مريم العربي' }, expected: created },
  {
    name: 'a Clerk account with the email, unverified',
    user: {},
    expected: { status: 'skipped', code: 'clerk_email_unverified' },
    arrange: (clerk, user) => void clerk.seedUser({ email: user.email, verified: false }),
  },
  {
    name: 'a Clerk account with the email, carrying another user’s external_id',
    user: {},
    expected: { status: 'skipped', code: 'clerk_account_of_another_user' },
    arrange: (clerk, user) => void clerk.seedUser({ email: user.email, externalId: randomUUID() }),
  },
  {
    name: 'the user’s id already taken as external_id by a Clerk account with another email',
    user: {},
    expected: { status: 'skipped', code: 'exists_in_clerk' },
    arrange: (clerk, user) => void clerk.seedUser({ email: `someone-else-${user.userId}@example.com`, externalId: user.userId }),
  },
];

describe('hostile and broken users in a run', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const witness = new SecretWitness();
  const users = new Map<string, TestUser>();
  let bystander: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false });
    for (const testCase of CASES) {
      const user = makeUser({ password: null, passwordHash: hash, ...testCase.user });
      users.set(testCase.name, user);
      testCase.arrange?.(clerk, user);
    }
    bystander = makeUser({ clerkUserId: clerk.seedUser({ email: `bystander-${randomUUID()}@example.com` }).id });
    await insertUsers(db.pool, [...users.values(), bystander]);
    witness.secret(PASSWORD, hash, clerk.secretKey, ...[...users.values()].map((u) => u.passwordHash));
    app = await createWatchedApp(db.url, clerkEnv(clerk), witness);
  });
  afterAll(() => closeAll(app, clerk, db));

  it('gives each its answer, and changes nothing but the links of the users it created', async () => {
    const rowsBefore = await userRowsExceptLink(db.pool);
    const clerkBefore = clerk.users();

    const run = await app.get(MigrationService).migrate({ actor: 'reliability' });

    expect(run.status).toBe('completed_with_errors');
    const { rows } = await db.pool.query<{ user_id: string; status: string; code: string }>(
      `SELECT user_id, status, coalesce(error_code, reason) AS code FROM migration_items WHERE run_id = $1`,
      [run.id],
    );
    const outcome = new Map(rows.map((r) => [r.user_id, { status: r.status, code: r.code }]));
    const answers = Object.fromEntries(CASES.map((c) => [c.name, outcome.get(users.get(c.name)!.userId)]));
    expect(answers).toEqual(Object.fromEntries(CASES.map((c) => [c.name, c.expected])));

    expect(await userRowsExceptLink(db.pool)).toEqual(rowsBefore);
    const linked = await db.pool.query<{ user_id: string }>('SELECT user_id FROM users WHERE clerk_user_id IS NOT NULL');
    const expectedLinked = CASES.filter((c) => c.expected.status === 'created').map((c) => users.get(c.name)!.userId);
    expect(linked.rows.map((r) => r.user_id).sort()).toEqual([...expectedLinked, bystander.userId].sort());
    // Pre-existing Clerk accounts are untouched, and the only new ones are those of created users.
    const after = clerk.users();
    expect(after.slice(0, clerkBefore.length)).toEqual(clerkBefore);
    expect(
      after
        .slice(clerkBefore.length)
        .map((a) => a.external_id)
        .sort(),
    ).toEqual(expectedLinked.sort());
  });

  it('keeps names Clerk can hold, clips only what it cannot, and the person signs in with their old password', async () => {
    const account = (name: string) => clerk.users().find((a) => a.external_id === users.get(name)!.userId)!;
    expect(account('an emoji name')).toMatchObject({ first_name: '🦊', last_name: 'Zoë 👩‍💻' });
    expect(account('a right-to-left name')).toMatchObject({ first_name: 'مريم', last_name: 'العربي' });
    expect(account('an empty name')).toMatchObject({ first_name: null, last_name: null });
    expect(account('a 10,000-character name').first_name).toBe('N'.repeat(256));
    const local = await db.pool.query('SELECT length(name)::int AS n FROM users WHERE user_id = $1', [
      users.get('a 10,000-character name')!.userId,
    ]);
    expect(local.rows[0].n).toBe(10_000);
    expect((await clerk.signIn(users.get('a $2y$ digest')!.email, PASSWORD)).userId).toBe(account('a $2y$ digest').id);
  });

  it('let no password, hash, token or key out in a response, log line or audit row', async () => {
    expect(await witness.leaks(db.pool)).toEqual([]);
  });
});
