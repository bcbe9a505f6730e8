import { describe, expect, it } from '@jest/globals';
import type { Clock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

/** A clock whose sleeps advance time instantly, recording how long each one was. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
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

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});
