import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Enough for every active user of a large instance on one process, at ~1 KB an entry. */
export const DEFAULT_MAX_VERIFIED_TOKENS = 10_000;

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/**
 * What was learnt from verifying a token (a Clerk session, a principal, a refusal that cost a look-up),
 * so that a client sending the same token on every request (Clerk's tokens live 60 s) pays for the
 * check once. Keyed by the token's SHA-256, so no usable token sits in memory; an entry dies with the
 * token's `exp` or the expiry given (no clock-skew grace); the size is bounded by `lru-cache`, evicting
 * the least recently used first.
 */
export class VerifiedTokenCache<T> {
  private readonly entries: LRUCache<string, Entry<T>>;

  constructor(
    maxEntries = DEFAULT_MAX_VERIFIED_TOKENS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
    this.entries = new LRUCache({ max: maxEntries });
  }

  get size(): number {
    return this.entries.size;
  }

  get(token: string): T | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** `expiresAtMs` from the token's `exp`; a token without one, or already past it, is not kept. */
  set(token: string, value: T, expiresAtMs: number | undefined): void {
    if (expiresAtMs === undefined || !(expiresAtMs > this.now())) return;
    this.entries.set(keyOf(token), { value, expiresAtMs });
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
