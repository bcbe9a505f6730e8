import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_EVENT_ATTEMPTS } from '../../src/sync/clerk-events.worker.js';
import { startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { newWebhookSecret } from '../utils/clerk-webhooks.js';
import { eventually } from '../utils/eventually.js';

/** A stored event that can never be applied (here: an account with no `updated_at`, which the version check refuses). */
const BROKEN_EVENT = { type: 'user.updated', clerkUserId: 'user_broken', timestamp: Date.now(), user: { id: 'user_broken' } };

describe('a webhook event that keeps failing', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({ CLERK_JWT_KEY: clerk.publicKeyPem, CLERK_WEBHOOK_SIGNING_SECRET: newWebhookSecret() }));
  });
  afterAll(() => world?.close());

  async function storeBroken(svixId: string, attempts: number): Promise<void> {
    await world.db.pool.query(
      `INSERT INTO clerk_webhook_events (svix_id, type, clerk_user_id, event, attempts) VALUES ($1, 'user.updated', 'user_broken', $2, $3)`,
      [svixId, JSON.stringify(BROKEN_EVENT), attempts],
    );
  }
  const rowOf = (svixId: string) =>
    world.db.pool
      .query(
        'SELECT attempts, applied_at IS NOT NULL AS settled, outcome, last_error IS NOT NULL AS has_error FROM clerk_webhook_events WHERE svix_id = $1',
        [svixId],
      )
      .then((result) => result.rows[0]);

  it('is retried later while it has attempts left, and given up (settled gave_up, its error kept) at the last', async () => {
    await storeBroken('msg_broken_early', 0);
    await storeBroken('msg_broken_last', MAX_EVENT_ATTEMPTS - 1);

    const last = await eventually(
      () => rowOf('msg_broken_last'),
      (row) => row.settled,
      20_000,
    );
    expect(last).toEqual({ attempts: MAX_EVENT_ATTEMPTS, settled: true, outcome: 'gave_up', has_error: true });

    const early = await eventually(
      () => rowOf('msg_broken_early'),
      (row) => row.attempts > 0,
      20_000,
    );
    expect(early).toMatchObject({ settled: false, outcome: null, has_error: true });
    expect(early.attempts).toBeLessThan(MAX_EVENT_ATTEMPTS);
  }, 60_000);

  it('counts each failure once, however many workers are at it: a failure is recorded before the event is let go', async () => {
    // The instance's two loops drain back to back; a failed event released before its failure was
    // written would be taken by the other loop and fail, and be counted, a second time.
    const ids = Array.from({ length: 30 }, (_, i) => `msg_broken_crowd_${i}`);
    for (const id of ids) await storeBroken(id, MAX_EVENT_ATTEMPTS - 1);
    const rows = await eventually(
      () => Promise.all(ids.map(rowOf)),
      (all) => all.every((row) => row.settled),
      20_000,
    );
    expect(new Set(rows.map((row) => row.attempts))).toEqual(new Set([MAX_EVENT_ATTEMPTS]));
  }, 60_000);
});
