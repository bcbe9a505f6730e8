import { describe, expect, it } from '@jest/globals';
import { FaultInjector } from './emulator-faults.js';

describe('FaultInjector', () => {
  it('serves queued faults in order, to their route only, before random ones', () => {
    const faults = new FaultInjector({}, () => 0.99);
    faults.enqueue('lost_response', 1, 'POST /v1/users');
    faults.enqueue('error_5xx', 1);
    expect(faults.next('GET /v1/users')?.kind).toBe('error_5xx');
    expect(faults.next('GET /v1/users')).toBeUndefined();
    expect(faults.next('POST /v1/users')?.kind).toBe('lost_response');
  });

  it('draws random faults by their shares', () => {
    let draw = 0;
    const faults = new FaultInjector({ errorRate5xx: 0.1, dropRate: 0.1, lostResponseRate: 0.1 }, () => draw);
    const kinds = [0.05, 0.15, 0.25, 0.35].map((d) => ((draw = d), faults.next('GET /v1/users')?.kind));
    expect(kinds).toEqual(['error_5xx', 'drop', 'lost_response', undefined]);
  });
});
