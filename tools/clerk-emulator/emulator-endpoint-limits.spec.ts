import { describe, expect, it } from '@jest/globals';
import { CLERK_ENDPOINT_LIMITS, EmulatorEndpointLimiter } from './emulator-endpoint-limits.js';

describe('EmulatorEndpointLimiter', () => {
  it('counts invitations per key over an hour, shortened by the time scale', () => {
    let now = 0;
    const limiter = new EmulatorEndpointLimiter(CLERK_ENDPOINT_LIMITS, 1000, () => now);
    for (let i = 0; i < 100; i += 1) expect(limiter.check('sk_test_a', 'POST /v1/invitations', {}).allowed).toBe(true);
    expect(limiter.check('sk_test_a', 'POST /v1/invitations', {})).toEqual({ allowed: false, retryAfterSeconds: 4 });
    expect(limiter.check('sk_live_b', 'POST /v1/invitations', {}).allowed).toBe(true);
    expect(limiter.check('sk_test_a', 'GET /v1/users', {}).allowed).toBe(true);
    now = 3601;
    expect(limiter.check('sk_test_a', 'POST /v1/invitations', {}).allowed).toBe(true);
  });

  it("counts a user's data and metadata updates together, each user on their own", () => {
    const limiter = new EmulatorEndpointLimiter(CLERK_ENDPOINT_LIMITS, 1, () => 0);
    for (let i = 0; i < 5; i += 1) limiter.check('k', 'PATCH /v1/users/{user_id}', { user_id: 'a' });
    for (let i = 0; i < 5; i += 1) limiter.check('k', 'PATCH /v1/users/{user_id}/metadata', { user_id: 'a' });
    expect(limiter.check('k', 'PATCH /v1/users/{user_id}', { user_id: 'a' })).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.check('k', 'PATCH /v1/users/{user_id}/metadata', { user_id: 'b' }).allowed).toBe(true);
  });
});
