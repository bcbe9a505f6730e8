import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { PasswordFormats } from '../../../src/passwords/password-formats.js';
import { UsersRepository } from '../../../src/users/users.repository.js';
import { UserResponseDto } from '../../../src/common/user-response.dto.js';
import { insertUser, insertUsers, makeUser } from '../../factories/user.factory.js';
import { createTestApp } from '../../utils/test-app.js';
import { insertRun } from '../../utils/run-rows.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

describe('UsersRepository on PostgreSQL', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let users: UsersRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    users = app.get(UsersRepository);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('finds a user by id, by email ignoring case, and by Clerk id', async () => {
    const user = await insertUser(db.pool, { email: 'Mixed.Case@Example.com', clerkUserId: 'user_find_me' });
    expect((await users.findById(user.userId))?.email).toBe('Mixed.Case@Example.com');
    expect((await users.findByEmail('mixed.case@EXAMPLE.COM'))?.userId).toBe(user.userId);
    expect((await users.findByClerkUserId('user_find_me'))?.userId).toBe(user.userId);
    expect(await users.findByEmail('nobody@example.com')).toBeNull();
  });

  it('links on a first sign-in unless the user’s latest migration item was rolled back', async () => {
    /** An item of a run of its own (a run holds one item per user). */
    const item = async (userId: string, status: string) => {
      await db.pool.query(
        `INSERT INTO migration_items (run_id, user_id, email, action, status, clerk_user_id)
         VALUES ($1, $2, 'x@example.com', 'create', $3, 'user_rb')`,
        [await insertRun(db.pool), userId, status],
      );
    };
    const [fresh, rolledBack, taken] = await insertUsers(db.pool, [makeUser(), makeUser(), makeUser({ clerkUserId: 'user_taken' })]);
    await item(rolledBack.userId, 'created');
    await item(rolledBack.userId, 'rolled_back');

    expect(await users.linkOnSignIn(fresh.userId, 'user_fresh')).toBe('linked');
    expect(await users.linkOnSignIn(rolledBack.userId, 'user_rb')).toBe('rolled_back');
    expect(await users.linkOnSignIn(taken.userId, 'user_other')).toBe('taken');
    expect((await users.findById(rolledBack.userId))?.clerkUserId).toBeNull();
    expect(await users.isRolledBackAccount('user_rb')).toBe(true);
    expect(await users.isRolledBackAccount('user_fresh')).toBe(false);

    // A dry run that plans the person again does not undo the rollback; a later real run's item does.
    await item(rolledBack.userId, 'planned');
    expect(await users.linkOnSignIn(rolledBack.userId, 'user_rb')).toBe('rolled_back');
    await item(rolledBack.userId, 'failed');
    expect(await users.isRolledBackAccount('user_rb')).toBe(false);
    expect(await users.linkOnSignIn(rolledBack.userId, 'user_rb')).toBe('linked');
  });

  it('links a Clerk id only while the user is unlinked: of many racing writers exactly one wins', async () => {
    const user = await insertUser(db.pool);
    const attempts = await Promise.all(Array.from({ length: 8 }, (_, i) => users.linkClerkUser(user.userId, `user_racer_${i}`)));
    expect(attempts.filter(Boolean)).toHaveLength(1);
    const winner = `user_racer_${attempts.indexOf(true)}`;
    const { rows } = await db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [user.userId]);
    expect(rows[0].clerk_user_id).toBe(winner);

    expect(await users.unlinkClerkUser(user.userId, 'user_someone_else')).toBe(false);
    expect(await users.unlinkClerkUser(user.userId, winner)).toBe(true);
    expect((await users.findById(user.userId))?.clerkUserId).toBeNull();
  });

  it('walks every legacy user exactly once in keyset batches, skipping linked ones', async () => {
    const isolated = await createTestDatabase();
    const local = await createTestApp(isolated.url);
    try {
      const legacy = await insertUsers(
        isolated.pool,
        Array.from({ length: 23 }, () => makeUser()),
      );
      await insertUsers(
        isolated.pool,
        Array.from({ length: 5 }, (_, i) => makeUser({ clerkUserId: `user_linked_${i}` })),
      );
      const seen: string[] = [];
      const batchSizes: number[] = [];
      for await (const batch of local.get(UsersRepository).legacyUsersInBatches(5)) {
        batchSizes.push(batch.length);
        seen.push(...batch.map((u) => u.userId));
      }
      expect(batchSizes).toEqual([5, 5, 5, 5, 3]);
      expect([...seen].sort()).toEqual(legacy.map((u) => u.userId).sort());
      expect(await local.get(UsersRepository).stats()).toEqual({
        total: 28,
        withClerk: 5,
        withoutClerk: 23,
        withPassword: 28,
        signedInThroughClerk: 0,
        deletedAtClerk: 0,
      });
    } finally {
      await local.close();
      await isolated.drop();
    }
  });

  it('counts legacy users by password format across both halves of the user_id space, as stats counts them', async () => {
    const isolated = await createTestDatabase();
    const local = await createTestApp(isolated.url);
    try {
      // Ids at both ends: the count reads the table in two halves split by user_id (USER_ID_HALVES).
      const low = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const high = (n: number) => `ffffffff-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const md5 = '5f4dcc3b5aa765d61d8327deb882cf99';
      await insertUsers(isolated.pool, [
        makeUser({ userId: low(1) }),
        makeUser({ userId: low(2) }),
        makeUser({ userId: high(1) }),
        makeUser({ userId: low(3), passwordHash: md5 }),
        makeUser({ userId: high(2), passwordHash: md5 }),
        makeUser({ userId: high(3), passwordHash: null }),
        makeUser({ userId: high(4), passwordHash: 'sha1$salt$0123' }),
        makeUser({ userId: low(4), clerkUserId: 'user_linked_low' }),
        makeUser({ userId: high(5), clerkUserId: 'user_linked_high' }),
      ]);
      const repository = local.get(UsersRepository);
      const { stats, legacyByFormat } = await repository.statsByPasswordFormat((column) => new PasswordFormats().sql(column));
      expect(stats).toEqual(await repository.stats());
      expect(stats).toMatchObject({ total: 9, withClerk: 2, withoutClerk: 7, withPassword: 8 });
      expect(Object.fromEntries(legacyByFormat)).toEqual({ bcrypt: 3, md5: 2, none: 1, unsupported: 1 });
    } finally {
      await local.close();
      await isolated.drop();
    }
  });

  it('maps a user to a response that carries no password hash', async () => {
    const user = await insertUser(db.pool);
    const entity = (await users.findById(user.userId))!;
    const dto = UserResponseDto.from(entity);
    expect(dto).toEqual({
      userId: user.userId,
      clerkUserId: null,
      email: user.email,
      name: user.name,
      role: 'user',
      hasPassword: true,
      createdAt: user.createdAt.toISOString(),
    });
    expect(JSON.stringify(dto)).not.toContain(user.passwordHash!);
  });
});
