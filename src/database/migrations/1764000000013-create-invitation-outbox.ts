import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The invitation outbox: an invitation is queued in the same transaction as its item and sent later
 * by the fleet's one sender (`invitation_sender`, a single row: who sends, until when, and when the
 * next invitation may go). Invitations recorded on items before the outbox are carried over: those
 * sent keep their Clerk id (a rollback revokes them), those failed or never sent wait for
 * `--resend-invites`, as they did.
 */
export class CreateInvitationOutbox1764000000013 implements MigrationInterface {
  name = 'CreateInvitationOutbox1764000000013';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS invitation_outbox (
        id BIGSERIAL PRIMARY KEY,
        user_id UUID NOT NULL,
        run_id UUID NULL,
        email VARCHAR NOT NULL,
        redirect_url VARCHAR NULL,
        status VARCHAR NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        clerk_invitation_id VARCHAR NULL,
        claimed_by UUID NULL,
        lease_until TIMESTAMPTZ NULL,
        error_code VARCHAR NULL,
        error_message TEXT NULL,
        queued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        sent_at TIMESTAMPTZ NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT invitation_outbox_status CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'revoked'))
      )`);
    // One live invitation per person: enqueueing twice is a no-op, never a second email.
    await db.query(`CREATE UNIQUE INDEX IF NOT EXISTS invitation_outbox_live_per_user
      ON invitation_outbox (user_id) WHERE status IN ('queued', 'sending', 'sent')`);
    await db.query(`CREATE INDEX IF NOT EXISTS invitation_outbox_due ON invitation_outbox (id) WHERE status IN ('queued', 'sending')`);
    await db.query('CREATE INDEX IF NOT EXISTS invitation_outbox_run ON invitation_outbox (run_id, status)');
    await db.query(`
      CREATE TABLE IF NOT EXISTS invitation_sender (
        id SMALLINT PRIMARY KEY CHECK (id = 1),
        holder UUID NULL,
        lease_until TIMESTAMPTZ NULL,
        next_send_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        paused_reason VARCHAR NULL
      )`);
    await db.query('INSERT INTO invitation_sender (id) VALUES (1) ON CONFLICT DO NOTHING');
    await db.query(`
      INSERT INTO invitation_outbox (user_id, run_id, email, status, attempts, clerk_invitation_id, error_code, sent_at)
      SELECT DISTINCT ON (i.user_id) i.user_id, i.run_id, i.email,
             CASE WHEN i.invitation_status = 'sent' THEN 'sent' ELSE 'failed' END,
             CASE WHEN i.invitation_status = 'pending' THEN 1 ELSE 0 END,
             i.invitation_id,
             CASE WHEN i.invitation_status = 'pending' THEN 'uncertain' WHEN i.invitation_status = 'failed' THEN 'failed' END,
             CASE WHEN i.invitation_status = 'sent' THEN i.updated_at END
        FROM migration_items i
       WHERE i.status IN ('created', 'linked') AND i.invitation_status IN ('sent', 'pending', 'failed')
         AND NOT EXISTS (SELECT 1 FROM invitation_outbox o WHERE o.user_id = i.user_id)
       ORDER BY i.user_id, i.id DESC`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS invitation_sender');
    await db.query('DROP TABLE IF EXISTS invitation_outbox');
  }
}
