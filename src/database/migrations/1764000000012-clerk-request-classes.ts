import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clerk limits some endpoints on their own (invitations 100 an hour, bulk invitations 25, user
 * updates 10 per 10 s per user). Each such class gets a row of `clerk_request_budget` (keyed
 * `invitations`, `bulk_invitations`, `user_updates:<clerk user id>`) holding the send times its
 * window still counts, and its own `paused_until`. `clerk_reserve_class_send` hands out the next
 * send time under the row's lock, so the fleet together keeps within the window.
 */
export class ClerkRequestClasses1764000000012 implements MigrationInterface {
  name = 'ClerkRequestClasses1764000000012';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clerk_request_budget ADD COLUMN IF NOT EXISTS window_sends TIMESTAMPTZ[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      CREATE OR REPLACE FUNCTION clerk_reserve_class_send(p_name VARCHAR, p_limit INTEGER, p_window_ms FLOAT8, p_max_wait_ms FLOAT8)
      RETURNS TABLE (wait_ms FLOAT8, reserved BOOLEAN, paused_until_ms FLOAT8)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        span INTERVAL := p_window_ms * INTERVAL '1 millisecond';
        now_at TIMESTAMPTZ;
        paused TIMESTAMPTZ;
        live TIMESTAMPTZ[];
        send_at TIMESTAMPTZ;
      BEGIN
        -- A row per user ever updated would pile up: now and then the idle ones go, skipping any in use.
        IF random() < 0.01 THEN
          DELETE FROM clerk_request_budget WHERE name IN (
            SELECT i.name FROM clerk_request_budget i
             WHERE i.name LIKE 'user\\_updates:%' AND i.name <> p_name AND i.next_slot < clock_timestamp() - INTERVAL '1 hour'
               AND coalesce(i.paused_until, '-infinity') < clock_timestamp()
             LIMIT 1000 FOR UPDATE SKIP LOCKED);
        END IF;
        INSERT INTO clerk_request_budget (name) VALUES (p_name) ON CONFLICT (name) DO NOTHING;
        -- The row lock orders the fleet; each statement of a function reads what committed before it.
        SELECT b.paused_until, b.window_sends INTO paused, live FROM clerk_request_budget b WHERE b.name = p_name FOR UPDATE;
        now_at := clock_timestamp();
        -- Only the last p_limit sends still in the window matter; kept oldest first.
        live := ARRAY(SELECT s FROM (SELECT s FROM unnest(live) AS s WHERE s > now_at - span ORDER BY s DESC LIMIT p_limit) AS kept ORDER BY s);
        send_at := GREATEST(now_at, coalesce(paused, now_at));
        IF cardinality(live) >= p_limit THEN
          send_at := GREATEST(send_at, live[cardinality(live) - p_limit + 1] + span);
        END IF;
        wait_ms := extract(epoch FROM send_at - now_at) * 1000;
        paused_until_ms := extract(epoch FROM paused) * 1000;
        reserved := p_max_wait_ms IS NULL OR wait_ms <= p_max_wait_ms;
        IF reserved THEN
          UPDATE clerk_request_budget
             SET window_sends = ARRAY(SELECT s FROM unnest(live || send_at) AS s ORDER BY s DESC LIMIT p_limit),
                 next_slot = GREATEST(next_slot, send_at)
           WHERE name = p_name;
        END IF;
        RETURN NEXT;
      END
      $fn$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION IF EXISTS clerk_reserve_class_send(VARCHAR, INTEGER, FLOAT8, FLOAT8)');
    await db.query(`DELETE FROM clerk_request_budget WHERE name IN ('invitations', 'bulk_invitations') OR name LIKE 'user\\_updates%'`);
    await db.query('ALTER TABLE clerk_request_budget DROP COLUMN IF EXISTS window_sends');
  }
}
