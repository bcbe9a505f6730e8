import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lease of a run's hold on the migration lock names the run, so that a run is judged alive by
 * its lease, as a rollback or clean-up already is, and beaten once a second, not twice. The run's
 * own `heartbeat_at` stays (the lease beat keeps it fresh) while instances of the previous
 * version, which judge runs by it alone, may still share the database.
 */
export class LeaseNamesRun1764000000016 implements MigrationInterface {
  name = 'LeaseNamesRun1764000000016';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE migration_lock_leases ADD COLUMN IF NOT EXISTS run_id UUID NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE migration_lock_leases DROP COLUMN IF EXISTS run_id');
  }
}
