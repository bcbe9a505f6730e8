import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What undo needs to know: the Clerk id of the invitation an item sent (so a rollback can revoke
 * it), and a cheap way to recognise a Clerk account whose link a rollback cleared (so a session of
 * that account is refused without asking Clerk on every request).
 */
export class RecordInvitationsAndRollbacks1764000000004 implements MigrationInterface {
  name = 'RecordInvitationsAndRollbacks1764000000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE migration_items ADD COLUMN IF NOT EXISTS invitation_id VARCHAR NULL');
    await db.query(
      `CREATE INDEX IF NOT EXISTS migration_items_rolled_back_clerk_idx ON migration_items (clerk_user_id) WHERE status = 'rolled_back'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS migration_items_rolled_back_clerk_idx');
    await db.query('ALTER TABLE migration_items DROP COLUMN IF EXISTS invitation_id');
  }
}
