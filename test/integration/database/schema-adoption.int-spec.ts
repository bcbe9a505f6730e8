import { afterEach, describe, expect, it } from '@jest/globals';
import { migrateDatabase } from '../../../src/database/data-source.js';
import { DEPENDENT_TABLES, createLegacySchema, insertLegacyWorld, makeLegacyWorldUsers } from '../../../tools/demo/legacy-world.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/** Every row of a table, as text, in a stable order: equal snapshots mean nothing was lost or rewritten. */
async function snapshot(db: TestDatabase, table: string, columns = '*'): Promise<string[]> {
  const { rows } = await db.pool.query(`SELECT ${columns} FROM ${table}`);
  return rows.map((row) => JSON.stringify(row)).sort();
}

const USER_COLUMNS = 'user_id, email, password_hash, name, role, created_at';
const LEGACY_AUDIT_COLUMNS = 'id, user_id, action, details, created_at';

describe('schema migrations adopt an existing legacy database', () => {
  let db: TestDatabase;
  afterEach(async () => db.drop());

  it.each([
    ['without clerk_user_id', false],
    ['with clerk_user_id', true],
  ])('keeps every row and user_id of a users table %s, run twice', async (_label, withClerkColumn) => {
    db = await createTestDatabase({ empty: true });
    await createLegacySchema(db.pool, withClerkColumn);
    const users = makeLegacyWorldUsers({ withClerkColumn });
    await insertLegacyWorld(db.pool, users, { withClerkColumn, bcryptCost: 4 });
    const before = {
      users: await snapshot(db, 'users', withClerkColumn ? `${USER_COLUMNS}, clerk_user_id` : USER_COLUMNS),
      chat_sessions: await snapshot(db, 'chat_sessions'),
      prompts: await snapshot(db, 'prompts'),
      quotas: await snapshot(db, 'quotas'),
      audit_logs: await snapshot(db, 'audit_logs', LEGACY_AUDIT_COLUMNS),
    };

    const firstRun = await migrateDatabase(db.url);
    const secondRun = await migrateDatabase(db.url);

    expect(firstRun.length).toBeGreaterThan(0);
    expect(secondRun).toEqual([]);
    expect(await snapshot(db, 'users', withClerkColumn ? `${USER_COLUMNS}, clerk_user_id` : USER_COLUMNS)).toEqual(before.users);
    for (const table of ['chat_sessions', 'prompts', 'quotas'] as const) {
      expect(await snapshot(db, table)).toEqual(before[table]);
    }
    expect(await snapshot(db, 'audit_logs', LEGACY_AUDIT_COLUMNS)).toEqual(before.audit_logs);
    const counts = await db.pool.query('SELECT count(*)::int AS total, count(clerk_user_id)::int AS "withClerk" FROM users');
    expect(counts.rows[0]).toEqual({ total: 44, withClerk: withClerkColumn ? 8 : 0 });
    expect(users.filter((u) => u.clerkUserId !== null)).toHaveLength(withClerkColumn ? 8 : 0);
    for (const table of DEPENDENT_TABLES) {
      const orphans = await db.pool.query(
        `SELECT count(*)::int AS n FROM ${table} t WHERE t.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = t.user_id)`,
      );
      expect(orphans.rows[0].n).toBe(0);
    }
  });

  it('lets an adopted users table take a linked Clerk id, a Clerk-only user without a hash, and our audit rows', async () => {
    db = await createTestDatabase({ empty: true });
    await createLegacySchema(db.pool, false);
    const users = makeLegacyWorldUsers({ withClerkColumn: false, legacyUsers: 2 });
    await insertLegacyWorld(db.pool, users, { withClerkColumn: false, bcryptCost: 4 });
    await migrateDatabase(db.url);

    await db.pool.query(`UPDATE users SET clerk_user_id = 'user_abc' WHERE user_id = $1`, [users[0].userId]);
    await db.pool.query(
      `INSERT INTO users (user_id, email, password_hash, name, role, created_at) VALUES (gen_random_uuid(), 'new@example.com', NULL, 'New', 'user', now())`,
    );
    await db.pool.query(`INSERT INTO audit_logs (user_id, actor, action, details) VALUES ($1, 'cli', 'migration.user.linked', '{}')`, [
      users[0].userId,
    ]);
    await expect(db.pool.query(`UPDATE users SET clerk_user_id = 'user_abc' WHERE user_id = $1`, [users[1].userId])).rejects.toThrow(
      /unique/i,
    );
    const legacyAudit = await db.pool.query(`SELECT actor FROM audit_logs WHERE action = 'user.signup'`);
    expect(legacyAudit.rows.every((row) => row.actor === 'system')).toBe(true);
  });

  it('creates the seed schema on an empty database, and its down steps leave the product tables', async () => {
    db = await createTestDatabase({ empty: true });
    await migrateDatabase(db.url);
    const { rows } = await db.pool.query(
      `SELECT column_name, is_nullable, data_type FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position`,
    );
    expect(rows).toEqual([
      { column_name: 'user_id', is_nullable: 'NO', data_type: 'uuid' },
      { column_name: 'clerk_user_id', is_nullable: 'YES', data_type: 'character varying' },
      { column_name: 'email', is_nullable: 'NO', data_type: 'character varying' },
      { column_name: 'password_hash', is_nullable: 'YES', data_type: 'text' },
      { column_name: 'name', is_nullable: 'NO', data_type: 'character varying' },
      { column_name: 'role', is_nullable: 'NO', data_type: 'character varying' },
      { column_name: 'created_at', is_nullable: 'NO', data_type: 'timestamp with time zone' },
    ]);
  });
});
