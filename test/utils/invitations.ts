import type pg from 'pg';

/** The invitation sender at a test's pace: one invitation every 50 ms, looking for work every 20 ms. */
export const FAST_INVITATIONS: Record<string, string> = {
  INVITATIONS_PER_HOUR: String(3600 * 20),
  INVITATION_SENDER_POLL_MS: '20',
  INVITATION_SENDER_ENABLED: 'true',
};

/** Waits (at most `ms`) until the outbox holds no invitation queued or being sent; returns its rows by status. */
export async function drainedOutbox(pool: pg.Pool, ms = 15_000): Promise<Record<string, number>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { rows } = await pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM invitation_outbox GROUP BY status',
    );
    const counts = Object.fromEntries(rows.map((row) => [row.status, row.n]));
    if ((!counts.queued && !counts.sending) || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
