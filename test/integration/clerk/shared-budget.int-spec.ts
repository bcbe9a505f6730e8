import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Clock } from '../../../src/clerk/clock.js';
import { PostgresRequestBudget } from '../../../src/clerk/postgres-request-budget.js';
import { TokenBucket } from '../../../src/clerk/token-bucket.js';
import { assertionPool, createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

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
    const interval = (10.1 * 1000) / (rate * 10 - 1);
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

  it('paces a process on its own bucket while the database cannot be reached', async () => {
    const clock = recordingClock();
    const unreachable = { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) };
    const budget = new PostgresRequestBudget(unreachable, 10, new TokenBucket(10, 1, clock), 'down-test', clock);
    for (let i = 0; i < 3; i += 1) await budget.take(1);
    // The bucket's own pace: the second and third requests wait about 100 ms each.
    expect(clock.waits.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(190);
  });
});
