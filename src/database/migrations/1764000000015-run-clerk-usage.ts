import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a run asked of Clerk (requests, 429s, retries), counted in the process that runs it and
 * written with its heartbeat, so that any instance reading the run sees them; and the budget
 * (`CLERK_RATE_LIMIT`) it ran under, to set its rate against. Runs from before count nothing (null
 * budget). A small index serves the console's "invalid by reason", asked every few seconds: without
 * it, that count reads every item of every run.
 */
export class RunClerkUsage1764000000015 implements MigrationInterface {
  name = 'RunClerkUsage1764000000015';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE migration_runs
        ADD COLUMN IF NOT EXISTS clerk_requests INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS clerk_rate_limited INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS clerk_retries INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS clerk_budget_per_second REAL NULL,
        ADD COLUMN IF NOT EXISTS clerk_counted_at TIMESTAMPTZ NULL`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS migration_items_invalid_idx ON migration_items (user_id, id) WHERE action = 'invalid' AND status = 'failed'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS migration_items_invalid_idx');
    await db.query(`
      ALTER TABLE migration_runs
        DROP COLUMN IF EXISTS clerk_requests,
        DROP COLUMN IF EXISTS clerk_rate_limited,
        DROP COLUMN IF EXISTS clerk_retries,
        DROP COLUMN IF EXISTS clerk_budget_per_second,
        DROP COLUMN IF EXISTS clerk_counted_at`);
  }
}
