import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { CLERK_ENDPOINT_LIMITS } from '../../../tools/clerk-emulator/emulator-endpoint-limits.js';
import type { LegacyWorldUser } from '../../../tools/demo/legacy-world.js';
import { scaledInvitations } from '../../utils/invitations.js';
import { UNTHROTTLED_LOGINS } from '../../utils/test-app.js';
import { seedWorld, type SeedWorld } from '../../utils/seed-world.js';
import { eventually } from '../../utils/eventually.js';

/** The emulator's `timeScale` and the service's `CLERK_LIMITS_TIME_SCALE`, equal: an hour lasts 1.8 s. */
const SCALE = 2000;
/** A scaled hour, in real milliseconds: the emulator's and the service's windows agree. */
const HOUR_MS = 3_600_000 / SCALE;

/** The most requests any window of `spanMs` holds, by their times. */
function busiestWindow(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last += 1) {
    while (sorted[last] - sorted[first] >= spanMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('an invite run against Clerk’s per-endpoint limits, on a scaled hour', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  const migration = () => world.app.get(MigrationService);
  const stats = () => migration().stats();
  const linkOf = async (userId: string) =>
    (await world.db.pool.query<{ clerk_user_id: string | null }>('SELECT clerk_user_id FROM users WHERE user_id = $1', [userId])).rows[0];
  /** A legacy login moves the person to Clerk at once (trickle), whatever the invitations are doing. */
  async function expectLoginMovesThem(user: LegacyWorldUser): Promise<void> {
    const login = await request(world.app.getHttpServer()).post('/auth/login').send({ email: user.email, password: user.password });
    expect(login.status).toBe(200);
    const linked = await eventually(
      () => linkOf(user.userId),
      (row) => row.clerk_user_id !== null,
      5_000,
    );
    expect(linked.clerk_user_id).toMatch(/^user_/);
  }

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false, timeScale: SCALE, developmentUserCap: false });
  });
  afterEach(async () => {
    await world?.close();
    clerk.setEndpointLimits(CLERK_ENDPOINT_LIMITS, SCALE);
    clerk.reset();
  });
  afterAll(async () => clerk.stop());

  it('creates 600 at full speed, drains their invitations at the window’s rate, and migrates a login meanwhile', async () => {
    const env = { ...scaledInvitations(SCALE), MIGRATION_ON_LOGIN: 'true', ...UNTHROTTLED_LOGINS };
    world = await seedWorld(clerk, env, { legacyUsers: 601 });
    const run = await migration().migrate({ actor: 'test', strategy: 'invite', limit: 600 });

    expect(run).toMatchObject({ status: 'completed', counts: expect.objectContaining({ total: 600, created: 600 }) });
    const atEnd = await stats();
    // The run did not wait for its invitations: most are still queued, and the ETA says for how long.
    expect(atEnd.invitations.queued).toBeGreaterThan(98);
    expect(atEnd.invitationQueue.etaSeconds).toBeGreaterThan(0);

    await expectLoginMovesThem(world.legacy[600]);
    expect((await stats()).invitations.queued).toBeGreaterThan(0);

    const drained = await eventually(stats, (s) => s.invitations.sent === 600, 45_000);
    expect(drained.invitations).toEqual({ queued: 0, sent: 600, failed: 0, revoked: 0 });
    const invitations = clerk.invitations();
    expect(new Set(invitations.map((i) => i.emailAddress)).size).toBe(600);
    // Counted at the emulator: never over its limit of 100 a (scaled) hour, so never a 429 from it.
    expect(clerk.requestCounts()['POST /v1/invitations']).toEqual({ 200: 600 });
    const sentAt = invitations.map((invitation) => invitation.createdAt);
    expect(busiestWindow(sentAt, HOUR_MS)).toBeLessThanOrEqual(100);
    // Each wait for room in the window put its row back as not sent: no attempt counted, no error kept.
    const odd = await world.db.pool.query(
      'SELECT attempts, error_code FROM invitation_outbox WHERE attempts <> 1 OR error_code IS NOT NULL',
    );
    expect(odd.rows).toEqual([]);
  }, 90_000);

  it('a 429 on invitations pauses only them: creates and a login go on', async () => {
    const env = { ...scaledInvitations(SCALE), MIGRATION_ON_LOGIN: 'true', ...UNTHROTTLED_LOGINS };
    world = await seedWorld(clerk, env, { legacyUsers: 31 });
    // Clerk's real hour at the emulator, and a limit below ours: the 6th invitation meets an hour-long 429.
    clerk.setEndpointLimits({ ...CLERK_ENDPOINT_LIMITS, 'POST /v1/invitations': { requests: 5, windowMs: 3_600_000 } }, 1);
    await migration().migrate({ actor: 'test', strategy: 'invite', limit: 10 });
    const paused = await eventually(stats, (s) => s.invitationQueue.pausedReason !== null, 10_000);
    expect(paused.invitationQueue.pausedReason).toMatch(/429/);
    expect(paused.invitations).toMatchObject({ sent: 5, queued: 5 });
    expect(paused.invitationQueue.etaSeconds).toBeGreaterThan(3000);

    const more = await migration().migrate({ actor: 'test', strategy: 'password', limit: 20 });
    expect(more.counts).toMatchObject({ total: 20, created: 20 });
    await expectLoginMovesThem(world.legacy[30]);
    expect(clerk.requestCounts()['POST /v1/invitations']).toEqual({ 200: 5, 429: 1 });
    expect(Object.keys(clerk.requestCounts()['POST /v1/users'])).toEqual(['200']);
  }, 60_000);
});
