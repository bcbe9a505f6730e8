import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The product may already keep an `audit_logs` table keyed by `user_id`. Its rows are kept; the
 * columns this service writes are added with defaults when missing. `user_id` deliberately has no
 * foreign key when we create the table: the log must outlive the user it speaks of.
 */
export class AdoptAuditLogsTable1764000000001 implements MigrationInterface {
  name = 'AdoptAuditLogsTable1764000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS audit_logs (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id UUID NULL,
        actor VARCHAR NOT NULL DEFAULT 'system',
        action VARCHAR NOT NULL DEFAULT 'legacy',
        details JSONB NOT NULL DEFAULT '{}'::jsonb,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await db.query('ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS user_id UUID NULL');
    await db.query(`ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS actor VARCHAR NOT NULL DEFAULT 'system'`);
    await db.query(`ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS action VARCHAR NOT NULL DEFAULT 'legacy'`);
    await db.query(`ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS details JSONB NOT NULL DEFAULT '{}'::jsonb`);
    await db.query('ALTER TABLE audit_logs ADD COLUMN IF NOT EXISTS created_at TIMESTAMPTZ NOT NULL DEFAULT now()');
    await db.query('CREATE INDEX IF NOT EXISTS audit_logs_created_at_idx ON audit_logs (created_at DESC)');
    await db.query('CREATE INDEX IF NOT EXISTS audit_logs_user_id_idx ON audit_logs (user_id, created_at DESC)');
    await db.query('CREATE INDEX IF NOT EXISTS audit_logs_action_idx ON audit_logs (action, created_at DESC)');
  }

  /** Drops our indexes only: the columns may hold the product's own history. */
  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS audit_logs_action_idx');
    await db.query('DROP INDEX IF EXISTS audit_logs_user_id_idx');
    await db.query('DROP INDEX IF EXISTS audit_logs_created_at_idx');
  }
}
