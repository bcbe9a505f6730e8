import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run names the lease of its hold on the migration lock (`migration_lock_leases.holder`), as an
 * operation does, so that it is judged alive by that lease alone, like every other holder. Runs
 * started by the previous version name none: they are judged by their own heartbeat, which this
 * version still beats for instances of the previous one while both may share the database.
 */
export class RunNamesLease1764000000016 implements MigrationInterface {
  name = 'RunNamesLease1764000000016';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE migration_runs ADD COLUMN IF NOT EXISTS lease_holder UUID NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE migration_runs DROP COLUMN IF EXISTS lease_holder');
  }
}
