import { describe, expect, it } from '@jest/globals';
import type { Clock } from './clock.js';
import { ARRIVAL_SPREAD_SECONDS, CLERK_WINDOW_SECONDS, pacingBucket, TokenBucket } from './token-bucket.js';

/**
 * A clock whose sleeps advance time instantly, recording how long each one was; `lateness` says
 * how much longer than asked a sleep lasts, as a real timer on a busy event loop does.
 */
function fakeClock(lateness: () => number = () => 0): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms + lateness();
    },
  };
}

async function takeTimes(bucket: TokenBucket, clock: Clock, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await bucket.take();
    times.push(clock.now());
  }
  return times;
}

/** A deterministic stand-in for Math.random, so that a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('TokenBucket', () => {
  it('lets the first request through at once, then spaces the rest at the configured rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    const start = clock.now();
    for (let i = 0; i < 21; i++) await bucket.take();
    expect(clock.now() - start).toBe(2000);
    expect(clock.sleeps.every((ms) => ms === 100)).toBe(true);
  });

  it('serves concurrent waiters in order without exceeding the rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, 1, clock);
    const times: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => bucket.take().then(() => times.push(clock.now()))));
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps).toEqual([200, 200, 200, 200, 200]);
  });

  it('charges a multi-request call its full cost', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    await bucket.take(2);
    await bucket.take(2);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('allows a burst up to its capacity after idling, and no more', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 3, clock);
    await bucket.take();
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    expect(clock.sleeps).toEqual([100]);
  });

  it('keeps within 1.2% of the configured rate when timers wake late, where a capacity of 1 loses every late millisecond', async () => {
    const late = fakeClock(() => 3);
    const times = await takeTimes(pacingBucket(100, late), late, 1001);
    // 1,000 intervals: 10 s at 100 req/s, 10.11 s at the trimmed 98.9; with a capacity of 1, 1,000 × 13 ms.
    expect(times.at(-1)! - times[0]).toBeLessThanOrEqual(10_120);
    const strict = fakeClock(() => 3);
    const strictTimes = await takeTimes(new TokenBucket(100, 1, strict), strict, 1001);
    expect(strictTimes.at(-1)! - strictTimes[0]).toBeGreaterThanOrEqual(13_000);
  });

  it.each([100, 10])(
    "never lets more than %d req/s × 10 s arrive in any window of Clerk's, however late the timers and spread the arrivals",
    async (rate) => {
      const random = seededRandom(rate);
      // Late by 0 to 2 ms: enough for a plain bucket of capacity 1.99 at the full rate to put 1,001 into a window.
      const clock = fakeClock(() => Math.floor(random() * 3));
      const sent = await takeTimes(pacingBucket(rate, clock), clock, rate * 40);
      const arrivals = sent.map((t) => t + random() * ARRIVAL_SPREAD_SECONDS * 1000).sort((a, b) => a - b);
      const windowMs = CLERK_WINDOW_SECONDS * 1000;
      let first = 0;
      for (let last = 0; last < arrivals.length; last++) {
        // Clerk's window ending at an arrival: (t - 10 s, t].
        while (arrivals[first] <= arrivals[last] - windowMs) first++;
        expect(last - first + 1).toBeLessThanOrEqual(rate * CLERK_WINDOW_SECONDS);
      }
    },
  );

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});
