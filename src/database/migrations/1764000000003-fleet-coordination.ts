import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What several instances on one database need to agree on without talking to each other:
 * - a heartbeat per run (and the database session that sent it), so a live run is told from one
 *   whose process is gone;
 * - a standing key per run, so the day's trickle run and each sweep slot exist once in the fleet;
 * - one live item per person, so a bulk run and a trickle migration never work on the same user;
 * - a fingerprint of the row an item was planned from, so a user reported invalid is not planned
 *   again every night until their row changes;
 * - the shared Clerk request budget: one row whose `next_slot` hands out send times.
 */
export class FleetCoordination1764000000003 implements MigrationInterface {
  name = 'FleetCoordination1764000000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE migration_runs ADD COLUMN IF NOT EXISTS heartbeat_at TIMESTAMPTZ NULL`);
    await db.query(`ALTER TABLE migration_runs ADD COLUMN IF NOT EXISTS heartbeat_pid INTEGER NULL`);
    await db.query(`ALTER TABLE migration_runs ADD COLUMN IF NOT EXISTS standing_key VARCHAR NULL`);
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS migration_runs_standing_key_idx ON migration_runs (standing_key)`);
    await db.query(`ALTER TABLE migration_items ADD COLUMN IF NOT EXISTS row_fingerprint VARCHAR NULL`);
    // Items left live by runs that are over (a kill before this version): released, as the next run would have.
    await db.query(`
      UPDATE migration_items i SET status = 'failed', error_code = 'interrupted', updated_at = now()
        FROM migration_runs r
       WHERE r.id = i.run_id AND r.status <> 'running' AND i.status = 'pending'`);
    // Two live items of one person cannot both be right; the older gives way (it is reconciled by
    // external id all the same, through created_in_clerk/creating look-ups of the planner).
    await db.query(`
      UPDATE migration_items i SET status = 'failed', error_code = 'superseded', updated_at = now()
       WHERE i.status IN ('pending', 'creating')
         AND EXISTS (SELECT 1 FROM migration_items j
                      WHERE j.user_id = i.user_id AND j.status IN ('pending', 'creating') AND j.id > i.id)`);
    await db.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS migration_items_one_live_per_user_idx
         ON migration_items (user_id) WHERE status IN ('pending', 'creating')`,
    );
    await db.query(`CREATE INDEX IF NOT EXISTS migration_items_user_latest_idx ON migration_items (user_id, id DESC)`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS clerk_request_budget (
        name VARCHAR PRIMARY KEY,
        next_slot TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS clerk_request_budget');
    await db.query('DROP INDEX IF EXISTS migration_items_user_latest_idx');
    await db.query('DROP INDEX IF EXISTS migration_items_one_live_per_user_idx');
    await db.query('ALTER TABLE migration_items DROP COLUMN IF EXISTS row_fingerprint');
    await db.query('DROP INDEX IF EXISTS migration_runs_standing_key_idx');
    await db.query('ALTER TABLE migration_runs DROP COLUMN IF EXISTS standing_key');
    await db.query('ALTER TABLE migration_runs DROP COLUMN IF EXISTS heartbeat_pid');
    await db.query('ALTER TABLE migration_runs DROP COLUMN IF EXISTS heartbeat_at');
  }
}
