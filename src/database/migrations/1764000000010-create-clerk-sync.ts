import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What keeps `users` in step with Clerk after the move (the sync module's tables; `users` keeps its
 * shape): webhook deliveries stored before they are applied, each account's last applied version,
 * the people deleted at Clerk, and `external_id` updates still owed to Clerk.
 */
export class CreateClerkSync1764000000010 implements MigrationInterface {
  name = 'CreateClerkSync1764000000010';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS clerk_webhook_events (
        id BIGSERIAL PRIMARY KEY,
        svix_id VARCHAR NOT NULL UNIQUE,
        type VARCHAR NOT NULL,
        clerk_user_id VARCHAR NULL,
        event JSONB NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        attempts INTEGER NOT NULL DEFAULT 0,
        applied_at TIMESTAMPTZ NULL,
        outcome VARCHAR NULL,
        last_error TEXT NULL
      )`);
    await db.query('CREATE INDEX IF NOT EXISTS clerk_webhook_events_pending_idx ON clerk_webhook_events (id) WHERE applied_at IS NULL');
    await db.query(`
      CREATE TABLE IF NOT EXISTS clerk_account_versions (
        clerk_user_id VARCHAR PRIMARY KEY,
        version_ms BIGINT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS clerk_deleted_users (
        user_id UUID PRIMARY KEY,
        clerk_user_id VARCHAR NOT NULL,
        deleted_at TIMESTAMPTZ NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        source VARCHAR NOT NULL
      )`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS clerk_external_id_updates (
        user_id UUID PRIMARY KEY,
        clerk_user_id VARCHAR NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_error TEXT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS clerk_external_id_updates');
    await db.query('DROP TABLE IF EXISTS clerk_deleted_users');
    await db.query('DROP TABLE IF EXISTS clerk_account_versions');
    await db.query('DROP TABLE IF EXISTS clerk_webhook_events');
  }
}
