import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { ClerkSdkGateway } from '../../../src/clerk/clerk-sdk.gateway.js';
import { systemClock, type Clock } from '../../../src/clerk/clock.js';
import { PostgresRequestBudget, type BudgetDatabase } from '../../../src/clerk/postgres-request-budget.js';
import { pacingBucket, TokenBucket } from '../../../src/clerk/token-bucket.js';
import { startClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { emulatorClerkConfig } from '../../utils/clerk-config.js';
import { assertionPool, createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/** Slots of the budget at `rate` requests per second are this far apart. */
const intervalMs = (rate: number) => (10.1 * 1000) / (rate * 10 - 1);

/** A clock whose sleeps are recorded and pass at once, so the test sees the waits PostgreSQL hands out. */
function recordingClock(): Clock & { waits: number[] } {
  let now = Date.now();
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void (waits.push(ms), (now += ms)) };
}

describe('the Clerk request budget shared through PostgreSQL', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 2; i += 1) pools.push(assertionPool(db.url, 2));
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await db.drop();
  });

  it('hands two processes slots spaced 1/rate apart, as one queue', async () => {
    const rate = 20;
    // When each reservation is due, on this process's clock: its answer says how long to wait from now.
    const due: number[] = [];
    const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void due.push(Date.now() + ms) };
    for (const pool of pools) await pool.query('SELECT 1'); // connected before the clock matters
    const budgets = pools.map((pool) => new PostgresRequestBudget(pool, rate, new TokenBucket(rate), 'shared-test', clock));
    for (let i = 0; i < 20; i += 1) await budgets[i % 2].take(1);
    // 20 requests, the first sent at once: 19 slots after it, one interval apart whichever process asked.
    expect(due).toHaveLength(19);
    const interval = intervalMs(rate);
    const gaps = due.slice(1).map((at, i) => at - due[i]);
    // Each due time is PostgreSQL's slot read through one round trip, so a stalled answer moves one
    // gap up and the next one down by the same amount: the median gap is the schedule's. Two schedules
    // of their own would alternate gaps near 0 and near 2 intervals.
    const sorted = [...gaps].sort((a, b) => a - b);
    expect(Math.abs(sorted[Math.floor(sorted.length / 2)] - interval)).toBeLessThan(5);
    expect(gaps.filter((gap) => Math.abs(gap - interval) >= 20).length).toBeLessThanOrEqual(2);
  });

  it('makes every process wait out a 429 that one of them met', async () => {
    const clock = recordingClock();
    const [first, second] = pools.map((pool) => new PostgresRequestBudget(pool, 1000, new TokenBucket(1000), 'pause-test', clock));
    await first.pauseUntil(Date.now() + 2_000);
    await second.take(1);
    expect(clock.waits[0]).toBeGreaterThan(1_900);
  });

  it('holds requests reserved before another process met a 429 until the pause ends, then sends them a slot apart', async () => {
    const rate = 5;
    let asleep = 0;
    let bothAsleep!: () => void;
    const reserved = new Promise<void>((resolve) => (bothAsleep = resolve));
    const clock: Clock = {
      now: () => Date.now(),
      sleep: (ms) => {
        if (++asleep === 2) bothAsleep();
        return systemClock.sleep(ms);
      },
    };
    const [first, second] = pools.map((pool) => new PostgresRequestBudget(pool, rate, new TokenBucket(rate), 'held-test', clock));
    await first.take(1); // the first slot, at once: no sleep
    const sentAt: number[] = [];
    const held = [second.take(1), first.take(1)].map((take) => take.then(() => void sentAt.push(Date.now())));
    await reserved; // both slots (one and two intervals ahead) taken before the 429
    const pausedAt = Date.now();
    await first.pauseUntil(pausedAt + 1_000);
    await Promise.all(held);
    expect(Math.min(...sentAt)).toBeGreaterThanOrEqual(pausedAt + 1_000 - 5);
    // Fresh slots, one interval apart; sleeping to the pause's end would let both go at once.
    expect(Math.abs(sentAt[1] - sentAt[0])).toBeGreaterThan(intervalMs(rate) / 2);
  });

  it('sends at its slot, as without a pause, when the database stops answering while it waits', async () => {
    const clock = recordingClock();
    let queries = 0;
    const lostAfterTwo: BudgetDatabase = {
      query: (sql, parameters) => (++queries <= 2 ? pools[0].query(sql, parameters) : Promise.reject(new Error('Connection terminated'))),
    };
    const budget = new PostgresRequestBudget(lostAfterTwo, 10, new TokenBucket(10, 1, clock), 'lost-test', clock);
    await budget.take(1);
    await expect(budget.take(1)).resolves.toBeUndefined();
    expect(clock.waits).toHaveLength(1);
  });

  it('paces a process on its own bucket while the database cannot be reached', async () => {
    const clock = recordingClock();
    const unreachable = { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) };
    const budget = new PostgresRequestBudget(unreachable, 10, new TokenBucket(10, 1, clock), 'down-test', clock);
    for (let i = 0; i < 3; i += 1) await budget.take(1);
    // The bucket's own pace: the second and third requests wait about 100 ms each.
    expect(clock.waits.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(190);
  });

  it("keeps the other process's reserved request from Clerk until the 429's Retry-After has passed", async () => {
    const emulator = await startClerkEmulator({ rateLimit: false });
    try {
      const rate = 5;
      const attempts: { process: number; status: string; sentAt: number; answeredAt: number }[] = [];
      const gateways = pools.map((pool, process) =>
        ClerkSdkGateway.fromConfig(emulatorClerkConfig(emulator, { CLERK_RATE_LIMIT: String(rate) }), {
          budget: new PostgresRequestBudget(pool, rate, pacingBucket(rate), 'emulator-pause-test'),
          // An attempt starts just before its request leaves: the emulator cannot have it earlier.
          observe: ({ status, seconds }) => {
            attempts.push({ process, status, sentAt: Date.now() - seconds * 1000, answeredAt: Date.now() });
          },
        }),
      );
      // Whichever process reserves the first slot meets the 429; the other has reserved the next.
      emulator.injectFault('rate_limit', 1, undefined, 1);
      await Promise.all(gateways.map((gateway) => gateway.getUser('user_missing')));
      const refused = attempts.find((attempt) => attempt.status === '429');
      const other = attempts.find((attempt) => attempt.process !== refused?.process);
      expect(refused).toBeDefined();
      expect(other?.sentAt).toBeGreaterThanOrEqual((refused?.answeredAt ?? 0) + 1_000 - 10);
      expect(emulator.requestCounts()['GET /v1/users/{user_id}']).toEqual({ '429': 1, '404': 2 });
    } finally {
      await emulator.stop();
    }
  });
});
