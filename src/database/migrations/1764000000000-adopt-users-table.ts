import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates the product's `users` table exactly as the seed describes it, or adopts the one that is
 * already there: adds `clerk_user_id` when missing, lets `password_hash` be NULL (Clerk-only users
 * have none) and adds the indexes this service needs. No row is rewritten or dropped.
 */
export class AdoptUsersTable1764000000000 implements MigrationInterface {
  name = 'AdoptUsersTable1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS users (
        user_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        clerk_user_id VARCHAR NULL,
        email VARCHAR NOT NULL UNIQUE,
        password_hash TEXT NULL,
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL DEFAULT 'user',
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await db.query('ALTER TABLE users ADD COLUMN IF NOT EXISTS clerk_user_id VARCHAR NULL');
    await db.query('ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL');
    if (!(await hasUniqueIndexOn(db, 'clerk_user_id'))) {
      await db.query('CREATE UNIQUE INDEX users_clerk_user_id_key ON users (clerk_user_id)');
    }
    // Emails compare case-insensitively; not unique, because a legacy table may hold two
    // addresses that differ only in case, and the dry run must be able to report them.
    await db.query('CREATE INDEX IF NOT EXISTS users_email_lower_idx ON users (lower(email))');
    // Keyset iteration over users still to migrate.
    await db.query('CREATE INDEX IF NOT EXISTS users_legacy_user_id_idx ON users (user_id) WHERE clerk_user_id IS NULL');
  }

  /** Removes only what `up` added; the product's table and its rows are never dropped. */
  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS users_legacy_user_id_idx');
    await db.query('DROP INDEX IF EXISTS users_email_lower_idx');
    await db.query('DROP INDEX IF EXISTS users_clerk_user_id_key');
  }
}

async function hasUniqueIndexOn(db: QueryRunner, column: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = 'users'::regclass AND i.indisunique AND i.indnatts = 1 AND a.attname = $1`,
    [column],
  );
  return rows.length > 0;
}
