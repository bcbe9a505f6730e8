import { describe, expect, it } from '@jest/globals';
import { VerifiedTokenCache } from './verified-token-cache.js';

interface Session {
  clerkUserId: string;
  sessionId: string;
  claims: Record<string, unknown>;
}

const session = (clerkUserId: string): Session => ({ clerkUserId, sessionId: 'sess_1', claims: { sub: clerkUserId } });

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('VerifiedTokenCache', () => {
  it('returns a stored session for the same token only', () => {
    const time = clock();
    const cache = new VerifiedTokenCache<Session>(10, time.now);
    cache.set('token-a', session('user_a'), time.now() + 60_000);
    expect(cache.get('token-a')).toEqual(session('user_a'));
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('forgets a session at the moment its token expires', () => {
    const time = clock();
    const cache = new VerifiedTokenCache<Session>(10, time.now);
    cache.set('token-a', session('user_a'), time.now() + 60_000);
    time.advance(59_999);
    expect(cache.get('token-a')).toBeDefined();
    time.advance(1);
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('gives each entry its own expiry', () => {
    const time = clock();
    const cache = new VerifiedTokenCache<Session>(10, time.now);
    cache.set('short', session('user_a'), time.now() + 1);
    cache.set('long', session('user_b'), time.now() + 60_000);
    time.advance(1);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toEqual(session('user_b'));
    time.advance(59_998);
    expect(cache.get('long')).toEqual(session('user_b'));
    time.advance(1);
    expect(cache.get('long')).toBeUndefined();
  });

  it('forgets an entry on the real clock', async () => {
    const cache = new VerifiedTokenCache<Session>(10);
    // Half a second, not a few ms: a process descheduled on a busy machine must not see it expire before the first read.
    cache.set('token-a', session('user_a'), Date.now() + 500);
    expect(cache.get('token-a')).toEqual(session('user_a'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('does not keep a token that has no expiry or is already past it', () => {
    const time = clock();
    const cache = new VerifiedTokenCache<Session>(10, time.now);
    cache.set('no-exp', session('user_a'), undefined);
    cache.set('expired', session('user_b'), time.now() - 1);
    cache.set('expires-now', session('user_c'), time.now());
    expect(cache.size).toBe(0);
  });

  it('stays within its bound by evicting the oldest entry', () => {
    const time = clock();
    const cache = new VerifiedTokenCache<Session>(2, time.now);
    cache.set('token-1', session('user_1'), time.now() + 60_000);
    cache.set('token-2', session('user_2'), time.now() + 60_000);
    cache.set('token-3', session('user_3'), time.now() + 60_000);
    expect(cache.size).toBe(2);
    expect(cache.get('token-1')).toBeUndefined();
    expect(cache.get('token-3')).toEqual(session('user_3'));
  });

  it('refuses a bound below one', () => {
    expect(() => new VerifiedTokenCache<Session>(0)).toThrow(RangeError);
  });
});
