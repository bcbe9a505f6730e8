import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs } from './backoff.policy.js';

describe('backoffDelayMs (full jitter)', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, 100, 1000, top))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws anywhere from zero to the ceiling', () => {
    expect(backoffDelayMs(3, 100, 1000, () => 0)).toBe(0);
    expect(backoffDelayMs(3, 100, 1000, () => 0.5)).toBe(200);
  });
});
