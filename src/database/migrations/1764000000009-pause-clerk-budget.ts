import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the fleet's last 429 says Clerk may be asked again: a request that reserved its slot before
 * the 429 reads it on waking, so it does not go out into the pause that `next_slot` alone cannot
 * hold it back from.
 */
export class PauseClerkBudget1764000000009 implements MigrationInterface {
  name = 'PauseClerkBudget1764000000009';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE clerk_request_budget ADD COLUMN IF NOT EXISTS paused_until TIMESTAMPTZ NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE clerk_request_budget DROP COLUMN IF EXISTS paused_until');
  }
}
