import type pg from 'pg';
import { eventually } from './eventually.js';

/** The emulator's `timeScale` and the service's `CLERK_LIMITS_TIME_SCALE` in the tests: an hour lasts 3.6 s. */
export const TEST_TIME_SCALE = 1000;

/**
 * The invitation sender on a scaled clock: the service's class windows divided by `timeScale` (start
 * the emulator with the same `timeScale`), looking for work every 20 ms. A small batch goes at once.
 */
export function scaledInvitations(timeScale = TEST_TIME_SCALE): Record<string, string> {
  return {
    CLERK_LIMITS_TIME_SCALE: String(timeScale),
    CLERK_INVITATIONS_PER_HOUR: '100',
    INVITATION_SENDER_POLL_MS: '20',
    INVITATION_SENDER_ENABLED: 'true',
  };
}

/** Waits (at most `ms`) until the outbox holds no invitation queued or being sent; returns its rows by status. */
export async function drainedOutbox(pool: pg.Pool, ms = 15_000): Promise<Record<string, number>> {
  const byStatus = async () => {
    const { rows } = await pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM invitation_outbox GROUP BY status',
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  };
  return eventually(byStatus, (counts) => !counts.queued && !counts.sending, ms);
}
