import { describe, expect, it } from '@jest/globals';
import { EmulatorRateLimiter } from './emulator-rate-limiter.js';

describe('EmulatorRateLimiter', () => {
  it('refuses past the limit within the window and says when to come back', () => {
    let now = 0;
    const limiter = new EmulatorRateLimiter({ test: { requests: 3, windowMs: 10_000 }, live: null }, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.check('sk_test_a', 'test').allowed).toBe(true);
    now = 2500;
    expect(limiter.check('sk_test_a', 'test')).toEqual({ allowed: false, retryAfterSeconds: 8 });
    now = 10_001;
    expect(limiter.check('sk_test_a', 'test').allowed).toBe(true);
  });

  it('counts each key on its own and leaves an unlimited key type alone', () => {
    const limiter = new EmulatorRateLimiter({ test: { requests: 1, windowMs: 1000 }, live: null }, () => 0);
    expect(limiter.check('sk_test_a', 'test').allowed).toBe(true);
    expect(limiter.check('sk_test_b', 'test').allowed).toBe(true);
    expect(limiter.check('sk_test_a', 'test').allowed).toBe(false);
    for (let i = 0; i < 50; i++) expect(limiter.check('sk_live_a', 'live').allowed).toBe(true);
  });
});
