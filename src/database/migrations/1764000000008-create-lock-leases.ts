import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease per holder of the migration lock, beaten while it works: the advisory lock ends with its
 * session, but a rollback, clean-up or resend that lost it may still be finishing a page, and the
 * next holder must see it and wait. A run has its heartbeat on its own row besides.
 */
export class CreateLockLeases1764000000008 implements MigrationInterface {
  name = 'CreateLockLeases1764000000008';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS migration_lock_leases (
        holder UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        activity VARCHAR NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL,
        heartbeat_at TIMESTAMPTZ NOT NULL,
        heartbeat_pid INTEGER NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS migration_lock_leases');
  }
}
