import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's items in id order: what the item reports read, page after page by keyset. Without it,
 * each page of a million-item run would sort the run's items again.
 */
export class IndexItemsByRun1764000000007 implements MigrationInterface {
  name = 'IndexItemsByRun1764000000007';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX IF NOT EXISTS migration_items_run_id_idx ON migration_items (run_id, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS migration_items_run_id_idx');
  }
}
