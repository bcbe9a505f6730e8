import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Enough for every active user of a large instance on one process, at ~1 KB an entry. */
export const DEFAULT_MAX_VERIFIED_TOKENS = 10_000;

/**
 * What was learnt from verifying a token (a Clerk session, a principal, a refusal that cost a look-up),
 * so that a client sending the same token on every request (Clerk's tokens live 60 s) pays for the
 * check once. Keyed by the token's SHA-256, so no usable token sits in memory; an entry dies with the
 * token's `exp` or the expiry given (no clock-skew grace), by `lru-cache`'s own per-entry TTL; the
 * size is bounded too, evicting the least recently used first.
 */
export class VerifiedTokenCache<T extends object> {
  private readonly entries: LRUCache<string, T>;

  constructor(
    maxEntries = DEFAULT_MAX_VERIFIED_TOKENS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
    // ttlResolution 0: every read asks the clock, rather than trusting a reading up to 1 ms old.
    this.entries = new LRUCache({ max: maxEntries, perf: { now }, ttlResolution: 0 });
  }

  get size(): number {
    return this.entries.size;
  }

  /** A stale entry is never returned (`allowStale` is off) and is dropped on the read. */
  get(token: string): T | undefined {
    return this.entries.get(keyOf(token));
  }

  /** `expiresAtMs` from the token's `exp`; a token without one, or already past it, is not kept. */
  set(token: string, value: T, expiresAtMs: number | undefined): void {
    const now = this.now();
    if (expiresAtMs === undefined || !(expiresAtMs > now)) return;
    // lru-cache keeps an entry until its ttl has passed; a token is dead at `exp` itself, so the
    // entry is dated 1 ms back: stale from `expiresAtMs` on, never kept for ever by a ttl of 0.
    this.entries.set(keyOf(token), value, { ttl: expiresAtMs - now, start: now - 1 });
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
