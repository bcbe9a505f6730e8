import { describe, expect, it } from '@jest/globals';
import { ClerkAPIResponseError } from '@clerk/backend/errors';
import type { Clock } from './clock.js';
import { ClerkErrorKind, ClerkGatewayError } from './clerk-gateway.error.js';
import { ClerkRequestPacer, type PacerOptions } from './clerk-request.pacer.js';

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
}

function apiError(status: number, code: string, retryAfter?: number) {
  const error = new ClerkAPIResponseError('', {
    data: [{ code, message: code, long_message: `${code} long` }],
    status,
    retryAfter,
    clerkTraceId: 'trace-1',
  });
  return error;
}

/** A call that fails with the given errors in turn, then answers "ok". */
function flaky(...errors: unknown[]) {
  let calls = 0;
  const call = async () => {
    calls++;
    if (errors.length > 0) throw errors.shift();
    return 'ok';
  };
  return { call, calls: () => calls };
}

function pacer(clock: Clock, overrides: Partial<PacerOptions> = {}) {
  return new ClerkRequestPacer({
    ratePerSecond: 1000,
    requestTimeoutMs: 1000,
    maxAttempts: 3,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1000,
    clock,
    random: () => 0.5,
    ...overrides,
  });
}

describe('ClerkRequestPacer', () => {
  it('names the Clerk it could not reach, or whose key was refused, and only then', async () => {
    const target = 'Clerk at http://10.0.0.9:4010 (CLERK_API_URL), sk_test_ key';
    const p = pacer(fakeClock(), { target, maxAttempts: 2 });
    const unreachable = new ClerkAPIResponseError('fetch failed', { data: [], status: undefined as unknown as number });
    const refused = apiError(401, 'authentication_invalid');
    const invalid = apiError(422, 'form_param_format_invalid');
    await expect(p.run(flaky(unreachable, unreachable).call)).rejects.toThrow(`(${target})`);
    await expect(p.run(flaky(refused).call)).rejects.toMatchObject({
      kind: ClerkErrorKind.Unauthorized,
      message: expect.stringContaining(target),
    });
    await expect(p.run(flaky(invalid).call)).rejects.toMatchObject({
      kind: ClerkErrorKind.Invalid,
      message: 'form_param_format_invalid long',
    });
  });

  it('waits Retry-After on a 429, then retries and succeeds', async () => {
    const clock = fakeClock();
    const { call, calls } = flaky(apiError(429, 'too_many_requests', 7));
    await expect(pacer(clock).run(call)).resolves.toBe('ok');
    expect(calls()).toBe(2);
    expect(clock.now()).toBeGreaterThanOrEqual(7000);
  });

  it('holds every caller during a 429 pause, not only the one refused', async () => {
    const clock = fakeClock();
    const p = pacer(clock);
    await expect(p.run(flaky(apiError(429, 'too_many_requests', 3)).call)).resolves.toBe('ok');
    const before = clock.now();
    await p.run(async () => 'next');
    expect(clock.now() - before).toBeLessThan(10);
  });

  it('retries transient errors with backoff and then succeeds', async () => {
    const clock = fakeClock();
    const { call, calls } = flaky(apiError(503, 'internal_clerk_error'), apiError(500, 'internal_clerk_error'));
    await expect(pacer(clock).run(call)).resolves.toBe('ok');
    expect(calls()).toBe(3);
    expect(clock.sleeps.filter((ms) => ms >= 50)).toEqual([50, 100]);
  });

  it('reports transient after the last attempt', async () => {
    const clock = fakeClock();
    const { call, calls } = flaky(apiError(502, 'x'), apiError(502, 'x'), apiError(502, 'x'), apiError(502, 'x'));
    const error = await pacer(clock)
      .run(call)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClerkGatewayError);
    expect(error).toMatchObject({ kind: ClerkErrorKind.Transient, status: 502, traceId: 'trace-1' });
    expect(calls()).toBe(3);
  });

  it.each([
    [422, 'form_identifier_exists', ClerkErrorKind.Conflict],
    [422, 'form_password_digest_invalid_code', ClerkErrorKind.Invalid],
    [400, 'form_param_missing', ClerkErrorKind.Invalid],
    [401, 'authentication_invalid', ClerkErrorKind.Unauthorized],
  ])('never retries %i %s (%s)', async (status, code, kind) => {
    const { call, calls } = flaky(apiError(status, code));
    await expect(pacer(fakeClock()).run(call)).rejects.toMatchObject({ kind, status, clerkCode: code });
    expect(calls()).toBe(1);
  });

  it('treats a request that never got an answer as transient', async () => {
    const clock = fakeClock();
    const network = new ClerkAPIResponseError('', {
      data: [{ code: 'unexpected_error', message: 'fetch failed', long_message: '' }],
      status: undefined as unknown as number,
    });
    const seen: string[] = [];
    const { call } = flaky(network);
    await expect(pacer(clock).run(call, { onTransient: (e) => seen.push(e.clerkCode!) })).resolves.toBe('ok');
    expect(seen).toEqual(['network_error']);
  });

  it('gives up with rate_limited after too many 429s', async () => {
    const errors = Array.from({ length: 5 }, () => apiError(429, 'too_many_requests', 1));
    await expect(pacer(fakeClock(), { maxRateLimitWaits: 3 }).run(flaky(...errors).call)).rejects.toMatchObject({
      kind: ClerkErrorKind.RateLimited,
      retryAfterSeconds: 1,
    });
  });

  it('times out a call that does not answer', async () => {
    const never = () => new Promise<string>(() => undefined);
    await expect(pacer(fakeClock(), { requestTimeoutMs: 20, maxAttempts: 1 }).run(never)).rejects.toMatchObject({
      kind: ClerkErrorKind.Transient,
      clerkCode: 'timeout',
    });
  });

  it('tells its observer how every attempt ended, by operation, and which attempt of its call it was', async () => {
    const outcomes: unknown[] = [];
    const p = pacer(fakeClock(), { observe: (outcome) => outcomes.push(outcome) });
    await p.run(flaky(apiError(429, 'too_many_requests', 1), apiError(503, 'unavailable')).call, { operation: 'users.create' });
    await expect(p.run(flaky(apiError(422, 'form_param_invalid')).call)).rejects.toMatchObject({ status: 422 });
    expect(outcomes).toEqual([
      { operation: 'users.create', status: '429', seconds: 0, attempt: 1, requests: 1 },
      { operation: 'users.create', status: '503', seconds: 0, attempt: 2, requests: 1 },
      { operation: 'users.create', status: 'ok', seconds: 0, attempt: 3, requests: 1 },
      { operation: 'other', status: '422', seconds: 0, attempt: 1, requests: 1 },
    ]);
  });

  it('times each attempt on its own, the pause before a retry left out', async () => {
    const clock = fakeClock();
    const outcomes: { status: string; seconds: number }[] = [];
    const p = pacer(clock, { observe: (outcome) => outcomes.push(outcome) });
    let calls = 0;
    const slow = async () => {
      await clock.sleep(calls++ === 0 ? 1500 : 250);
      if (calls === 1) throw apiError(429, 'too_many_requests', 3);
      return 'ok';
    };
    await p.run(slow, { operation: 'users.list' });
    expect(outcomes.map(({ status, seconds }) => [status, seconds])).toEqual([
      ['429', 1.5],
      ['ok', 0.25],
    ]);
  });
});
