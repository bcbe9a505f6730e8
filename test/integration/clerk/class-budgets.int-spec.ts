import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { LocalClassBudget } from '../../../src/clerk/class-budget.js';
import { CLERK_CLASS_LIMITS, type ClassLimits } from '../../../src/clerk/clerk-request.classes.js';
import { ClerkErrorKind } from '../../../src/clerk/clerk-gateway.error.js';
import { ClerkRequestPacer } from '../../../src/clerk/clerk-request.pacer.js';
import { ClerkSdkGateway } from '../../../src/clerk/clerk-sdk.gateway.js';
import type { Clock } from '../../../src/clerk/clock.js';
import { PostgresClassBudget } from '../../../src/clerk/postgres-class-budget.js';
import { PostgresRequestBudget } from '../../../src/clerk/postgres-request-budget.js';
import { TokenBucket } from '../../../src/clerk/token-bucket.js';
import { startClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { emulatorClerkConfig } from '../../utils/clerk-config.js';
import { assertionPool, createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/** Sleeps are recorded and do not pass: the test reads the send times PostgreSQL hands out. */
function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => Date.now(), sleep: async (ms) => void waits.push(ms) };
}

/** Small limits, so that a test fills a window in a few requests; the windows keep Clerk's length. */
const SMALL: ClassLimits = {
  invitations: { ...CLERK_CLASS_LIMITS.invitations, requests: 5 },
  bulk_invitations: { ...CLERK_CLASS_LIMITS.bulk_invitations, requests: 2 },
  user_updates: { ...CLERK_CLASS_LIMITS.user_updates, requests: 2 },
};
const HOUR_MS = 3_600_000 + 1000;

describe('Clerk request classes shared through PostgreSQL', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const budgetsOf = (clock: Clock, limits = SMALL) =>
    pools.map((pool) => new PostgresClassBudget(pool, limits, new LocalClassBudget(limits, clock), clock));

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 2; i += 1) pools.push(assertionPool(db.url, 2));
  });
  afterEach(async () => {
    await db.pool.query(`DELETE FROM clerk_request_budget`);
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await db.drop();
  });

  it('lets two processes burst up to the limit together, then hands out slots as old sends leave the hour', async () => {
    const clock = recordingClock();
    const [first, second] = budgetsOf(clock);
    for (let i = 0; i < 5; i += 1) await (i % 2 ? second : first).take('invitations', undefined);
    expect(clock.waits).toEqual([]);
    await second.take('invitations', undefined);
    await first.take('invitations', undefined);
    expect(clock.waits).toHaveLength(2);
    // The sixth and seventh go as the first and second sends leave the (widened) hour.
    for (const wait of clock.waits) expect(Math.abs(wait - HOUR_MS)).toBeLessThan(5_000);
    expect(clock.waits[1]).toBeGreaterThanOrEqual(clock.waits[0] - 50);
    const [row] = (await db.pool.query(`SELECT cardinality(window_sends) AS n FROM clerk_request_budget WHERE name = 'invitations'`)).rows;
    expect(row).toEqual({ n: 5 });
  });

  it('refuses at once, and reserves nothing, for a caller that will not wait for the window', async () => {
    const clock = recordingClock();
    const [first, second] = budgetsOf(clock);
    for (let i = 0; i < 2; i += 1) await first.take('bulk_invitations', undefined, 1000);
    await expect(second.take('bulk_invitations', undefined, 1000)).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused });
    const [row] = (await db.pool.query(`SELECT cardinality(window_sends) AS n FROM clerk_request_budget WHERE name = 'bulk_invitations'`))
      .rows;
    expect(row).toEqual({ n: 2 });
  });

  it('counts user updates per user: two users do not wait for each other', async () => {
    const clock = recordingClock();
    const [first, second] = budgetsOf(clock);
    await first.take('user_updates', 'user_a');
    await second.take('user_updates', 'user_a');
    await first.take('user_updates', 'user_b');
    await second.take('user_updates', 'user_b');
    expect(clock.waits).toEqual([]);
    await first.take('user_updates', 'user_a');
    expect(clock.waits).toHaveLength(1);
    expect(Math.abs(clock.waits[0] - 10_100)).toBeLessThan(1_000);
  });

  it('pauses a class for the whole fleet when one process met its 429, and nothing else', async () => {
    const clock = recordingClock();
    const [first, second] = budgetsOf(clock);
    await first.pauseUntil('invitations', undefined, Date.now() + 1_800_000);
    await expect(second.take('invitations', undefined, 60_000)).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused });
    await second.take('bulk_invitations', undefined, 0);
    await second.take('user_updates', 'user_a', 0);
    const global = new PostgresRequestBudget(pools[1], 100, new TokenBucket(100), 'class-pause-test', clock);
    await global.take(1);
    expect(clock.waits).toEqual([]);
  });

  it('holds every class during an instance-wide pause another process met', async () => {
    const clock = recordingClock();
    const globals = pools.map((pool) => new PostgresRequestBudget(pool, 1000, new TokenBucket(1000), 'global-pause-test', clock));
    const pacer = new ClerkRequestPacer({
      ratePerSecond: 1000,
      requestTimeoutMs: 1000,
      maxAttempts: 1,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 1,
      clock,
      budget: globals[1],
      classes: budgetsOf(clock)[1],
    });
    await globals[0].pauseUntil(Date.now() + 2_000);
    // A caller that will not wait that long is refused before it takes a place in its class's window.
    const hurried = pacer.run(async () => 'invited', { operation: 'invitations.create', maxWaitMs: 1_000 });
    await expect(hurried).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused, retryAfterSeconds: 2 });
    await expect(pacer.run(async () => 'invited', { operation: 'invitations.create' })).resolves.toBe('invited');
    expect(clock.waits).toHaveLength(1);
    expect(clock.waits[0]).toBeGreaterThan(1_900);
    const [row] = (await db.pool.query(`SELECT cardinality(window_sends) AS n FROM clerk_request_budget WHERE name = 'invitations'`)).rows;
    expect(row).toEqual({ n: 1 });
  });

  it('a 429 on invitations pauses invitations in every process, and creates go on', async () => {
    const emulator = await startClerkEmulator({ rateLimit: false });
    try {
      const gateways = pools.map((pool) =>
        ClerkSdkGateway.fromConfig(emulatorClerkConfig(emulator, { CLERK_RATE_LIMIT: '100' }), {
          budget: new PostgresRequestBudget(pool, 100, new TokenBucket(100), 'invitation-429-test'),
          classes: new PostgresClassBudget(pool, CLERK_CLASS_LIMITS, new LocalClassBudget(CLERK_CLASS_LIMITS)),
        }),
      );
      emulator.injectFault('rate_limit', 1, 'POST /v1/invitations', 3600);
      const invite = (gateway: ClerkSdkGateway, email: string) =>
        gateway.createInvitation({ email, notify: false, ignoreExisting: true, maxWaitMs: 5_000 });
      // An invitation is never retried (a second send could double it): the 429 comes back as it is, and pauses the class.
      await expect(invite(gateways[0], 'first@example.com')).rejects.toMatchObject({
        kind: ClerkErrorKind.RateLimited,
        retryAfterSeconds: 3600,
      });
      await expect(invite(gateways[1], 'second@example.com')).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused });
      const created = await gateways[1].createUser({ externalId: 'ext-429', email: 'created@example.com' });
      expect(created.primaryEmail).toBe('created@example.com');
      expect(emulator.requestCounts()['POST /v1/invitations']).toEqual({ '429': 1 });
      expect(emulator.requestCounts()['POST /v1/users']).toEqual({ '200': 1 });
    } finally {
      await emulator.stop();
    }
  });
});
