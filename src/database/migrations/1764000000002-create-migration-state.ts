import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The migration's own state, kept apart from the product's tables: one row per run, one row per
 * user per run with its Clerk outcome, and the first Clerk sign-in of each user (what makes the
 * clean-up of password hashes safe).
 */
export class CreateMigrationState1764000000002 implements MigrationInterface {
  name = 'CreateMigrationState1764000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE migration_runs (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        kind VARCHAR NOT NULL,
        strategy VARCHAR NOT NULL,
        dry_run BOOLEAN NOT NULL DEFAULT false,
        started_by VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        options JSONB NOT NULL DEFAULT '{}'::jsonb,
        counts JSONB NOT NULL DEFAULT '{}'::jsonb,
        error_code VARCHAR NULL,
        error_message TEXT NULL,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ NULL
      )`);
    await db.query('CREATE INDEX migration_runs_started_at_idx ON migration_runs (started_at DESC)');
    await db.query(`
      CREATE TABLE migration_items (
        id BIGSERIAL PRIMARY KEY,
        run_id UUID NOT NULL REFERENCES migration_runs (id) ON DELETE CASCADE,
        user_id UUID NOT NULL,
        email VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        reason VARCHAR NULL,
        status VARCHAR NOT NULL,
        clerk_user_id VARCHAR NULL,
        created_in_clerk BOOLEAN NOT NULL DEFAULT false,
        invitation_status VARCHAR NULL,
        error_code VARCHAR NULL,
        error_message TEXT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        rolled_back_at TIMESTAMPTZ NULL,
        clerk_deleted_at TIMESTAMPTZ NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (run_id, user_id)
      )`);
    await db.query('CREATE INDEX migration_items_run_status_idx ON migration_items (run_id, status)');
    await db.query('CREATE INDEX migration_items_user_idx ON migration_items (user_id)');
    await db.query(`CREATE INDEX migration_items_in_flight_idx ON migration_items (status) WHERE status IN ('pending', 'creating')`);
    await db.query(`
      CREATE TABLE clerk_sign_ins (
        user_id UUID PRIMARY KEY,
        clerk_user_id VARCHAR NOT NULL,
        first_signed_in_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_signed_in_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS clerk_sign_ins');
    await db.query('DROP TABLE IF EXISTS migration_items');
    await db.query('DROP TABLE IF EXISTS migration_runs');
  }
}
