import { systemClock, type Clock } from './clock.js';
import { classKey, effectiveRequests, windowMs, type ClassLimits, type LimitedRequestClass } from './clerk-request.classes.js';
import { ClerkGatewayError } from './clerk-gateway.error.js';

/**
 * Where a request of a limited class (invitations, bulk invitations, per-user updates) gets its
 * permission to send, besides the instance-wide `RequestBudget`. In the app every process on the
 * database shares one (`PostgresClassBudget`); alone, a process keeps its own (`LocalClassBudget`).
 */
export interface ClassBudget {
  /**
   * Resolves when one request of `requestClass` may be sent. When that is more than `maxWaitMs`
   * away (a full window, a 429's pause), it reserves nothing and throws `class_paused` at once.
   */
  take(requestClass: LimitedRequestClass, subject: string | undefined, maxWaitMs?: number): Promise<void>;
  /** Nobody sharing the budget sends a request of this class (and subject) before `untilMs`: a 429's Retry-After. */
  pauseUntil(requestClass: LimitedRequestClass, subject: string | undefined, untilMs: number): Promise<void>;
  /**
   * Milliseconds from now until `count` more requests of `requestClass` (no subject) could all have
   * been sent, none before `notBeforeMs` from now: the window's sends and pause as they stand, then a
   * send each time one leaves it. What an ETA is made of.
   */
  backlogMs(requestClass: LimitedRequestClass, count: number, notBeforeMs?: number): Promise<number>;
}

export interface Window {
  /** Send times reserved, sorted; only the last `requests` matter. */
  sends: number[];
  pausedUntil: number;
}

/**
 * A sliding window as a schedule: the next request of a class goes at once while the window holds
 * fewer than its limit, so a small batch of invitations leaves together; once it is full, at the
 * moment the oldest of the last `limit` sends leaves the window. Hence a burst up to the limit, then
 * one send each time an old one expires, never more than the limit in any window.
 */
export class LocalClassBudget implements ClassBudget {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: ClassLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  async take(requestClass: LimitedRequestClass, subject: string | undefined, maxWaitMs = Infinity): Promise<void> {
    const key = classKey(requestClass, subject, this.limits);
    const window = this.windows.get(key) ?? { sends: [], pausedUntil: 0 };
    this.windows.set(key, window);
    const now = this.clock.now();
    const span = windowMs(requestClass, this.limits);
    const at = nextSendTime(window, now, effectiveRequests(requestClass, this.limits), span);
    if (at - now > maxWaitMs) throw ClerkGatewayError.classPaused(requestClass, at - now);
    window.sends = [...window.sends.filter((t) => t > now - span), at].sort((a, b) => a - b);
    this.forgetIdle(now);
    await this.clock.sleep(at - now);
  }

  pauseUntil(requestClass: LimitedRequestClass, subject: string | undefined, untilMs: number): Promise<void> {
    const key = classKey(requestClass, subject, this.limits);
    const window = this.windows.get(key) ?? { sends: [], pausedUntil: 0 };
    window.pausedUntil = Math.max(window.pausedUntil, untilMs);
    this.windows.set(key, window);
    return Promise.resolve();
  }

  backlogMs(requestClass: LimitedRequestClass, count: number, notBeforeMs = 0): Promise<number> {
    const window = this.windows.get(classKey(requestClass, undefined, this.limits)) ?? { sends: [], pausedUntil: 0 };
    const now = this.clock.now();
    const limit = effectiveRequests(requestClass, this.limits);
    return Promise.resolve(scheduleEnd(window, now, limit, windowMs(requestClass, this.limits), count, now + notBeforeMs) - now);
  }

  /** Per-user windows would pile up, one per user ever updated: dropped once nothing in them counts. */
  private forgetIdle(now: number): void {
    if (this.windows.size < 1000) return;
    for (const [key, window] of this.windows) {
      const last = window.sends[window.sends.length - 1] ?? 0;
      if (Math.max(last, window.pausedUntil) < now - 3_600_000) this.windows.delete(key);
    }
  }
}

/** The earliest time at or after `now`, past any pause, at which the window ending then holds fewer than `limit` sends. */
export function nextSendTime(window: Window, now: number, limit: number, span: number): number {
  const live = window.sends.filter((t) => t > now - span).sort((a, b) => a - b);
  let at = Math.max(now, window.pausedUntil);
  if (live.length >= limit) at = Math.max(at, live[live.length - limit] + span);
  return at;
}

/**
 * When the last of `count` more sends would go, each at `nextSendTime` after those before it and none
 * before `notBefore`: the burst the window still has room for, then one as each old send leaves it.
 */
export function scheduleEnd(window: Window, now: number, limit: number, span: number, count: number, notBefore = now): number {
  const sends = window.sends.filter((t) => t > now - span).sort((a, b) => a - b);
  let at = Math.max(now, notBefore, window.pausedUntil);
  for (let i = 0; i < count; i += 1) {
    if (sends.length >= limit) at = Math.max(at, sends[sends.length - limit] + span);
    sends.push(at);
  }
  return count === 0 ? now : at;
}
