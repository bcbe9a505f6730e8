import type { KeyType, RateLimitSettings } from './emulator.types.js';

/** Clerk's documented Backend API limits: 1,000 requests per 10 s (production), 100 per 10 s (development). */
export const CLERK_RATE_LIMITS: RateLimitSettings = {
  live: { requests: 1000, windowMs: 10_000 },
  test: { requests: 100, windowMs: 10_000 },
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window log per secret key: a request is refused when the window ending now already
 * holds the limit. Retry-After is the whole seconds until the oldest request leaves the window,
 * so a client that honours it is let through on its next try.
 */
export class EmulatorRateLimiter {
  private readonly log = new Map<string, number[]>();

  constructor(
    private settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  configure(settings: RateLimitSettings): void {
    this.settings = settings;
    this.log.clear();
  }

  current(): RateLimitSettings {
    return this.settings;
  }

  check(secretKey: string, keyType: KeyType): RateDecision {
    const rule = this.settings[keyType];
    if (!rule) return { allowed: true };
    const now = this.now();
    const stamps = (this.log.get(secretKey) ?? []).filter((t) => t > now - rule.windowMs);
    this.log.set(secretKey, stamps);
    if (stamps.length >= rule.requests) {
      const waitMs = stamps[stamps.length - rule.requests] + rule.windowMs - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    stamps.push(now);
    return { allowed: true };
  }

  reset(): void {
    this.log.clear();
  }
}
