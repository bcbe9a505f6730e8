import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A row per rollback or password clean-up that acts (a preview records none), whoever started it
 * (REST, the console, the CLI): REST answers 202 at once and the work goes on, so its state, its
 * progress and its final report must be readable by any instance. `lease_holder` names the lease
 * the work keeps in `migration_lock_leases`: a `running` row whose lease is gone was interrupted.
 */
export class CreateMigrationOperations1764000000014 implements MigrationInterface {
  name = 'CreateMigrationOperations1764000000014';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS migration_operations (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        kind VARCHAR NOT NULL CHECK (kind IN ('rollback', 'cleanup_passwords')),
        run_id UUID NULL REFERENCES migration_runs(id) ON DELETE SET NULL,
        status VARCHAR NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        options JSONB NOT NULL DEFAULT '{}'::jsonb,
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        started_by VARCHAR NOT NULL,
        lease_holder UUID NULL,
        report JSONB NULL,
        error_code VARCHAR NULL,
        error_message TEXT NULL,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ NULL
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS migration_operations_running ON migration_operations (started_at) WHERE status = 'running'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS migration_operations');
  }
}
