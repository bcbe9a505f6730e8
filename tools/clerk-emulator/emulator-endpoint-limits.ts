import type { RateDecision } from './emulator-rate-limiter.js';

/** One of Clerk's per-endpoint limits: `requests` per `windowMs`, per secret key (and per user when `perUser`). */
export interface EndpointLimitRule {
  requests: number;
  windowMs: number;
  perUser?: boolean;
  /** Routes of one group share their count (a user's data and metadata updates); unset: the route's own. */
  group?: string;
}

/** By route template (`"POST /v1/invitations"`); a template missing here is limited only instance-wide. */
export type EndpointLimitSettings = Record<string, EndpointLimitRule>;

const PER_USER_UPDATES: EndpointLimitRule = { requests: 10, windowMs: 10_000, perUser: true, group: 'user_updates' };

/**
 * Clerk's documented per-endpoint limits (docs, "Rate limits"): invitations 100 an hour, bulk
 * invitations 25 an hour, a user's data or metadata 10 updates per 10 s per user. They apply on top
 * of the instance-wide limit, to live and test keys alike.
 */
export const CLERK_ENDPOINT_LIMITS: EndpointLimitSettings = {
  'POST /v1/invitations': { requests: 100, windowMs: 3_600_000 },
  'POST /v1/invitations/bulk': { requests: 25, windowMs: 3_600_000 },
  'PATCH /v1/users/{user_id}': PER_USER_UPDATES,
  'PATCH /v1/users/{user_id}/metadata': PER_USER_UPDATES,
};

/**
 * Sliding-window logs per secret key, route and (for per-user rules) user. `timeScale` shortens every
 * window: at 1000 an hour lasts 3.6 s, so a test sees a full hour's behaviour in seconds. Retry-After
 * is in real seconds, so a client that honours it gets through at its next try.
 */
export class EmulatorEndpointLimiter {
  private readonly logs = new Map<string, number[]>();

  constructor(
    private settings: EndpointLimitSettings,
    private timeScale = 1,
    private readonly now: () => number = Date.now,
  ) {
    if (!(timeScale > 0)) throw new RangeError('timeScale must be positive');
  }

  configure(settings: EndpointLimitSettings, timeScale = this.timeScale): void {
    this.settings = settings;
    this.timeScale = timeScale;
    this.logs.clear();
  }

  current(): { limits: EndpointLimitSettings; timeScale: number } {
    return { limits: this.settings, timeScale: this.timeScale };
  }

  check(secretKey: string, route: string, params: Record<string, string>): RateDecision {
    const rule = this.settings[route];
    if (!rule) return { allowed: true };
    const key = [secretKey, rule.group ?? route, rule.perUser ? params.user_id : ''].join(' ');
    const windowMs = rule.windowMs / this.timeScale;
    const now = this.now();
    const stamps = (this.logs.get(key) ?? []).filter((t) => t > now - windowMs);
    this.logs.set(key, stamps);
    if (stamps.length >= rule.requests) {
      const waitMs = stamps[stamps.length - rule.requests] + windowMs - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    stamps.push(now);
    return { allowed: true };
  }

  reset(): void {
    this.logs.clear();
  }
}
