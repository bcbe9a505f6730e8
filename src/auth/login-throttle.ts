import { Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AuthError } from './auth.error.js';

interface Window {
  count: number;
  resetsAt: number;
}

/** Kept small on purpose: a flood of distinct keys must not grow memory without bound. */
const MAX_TRACKED_KEYS = 100_000;

/**
 * Fixed-window counters of login attempts per client IP and per email. Per process: with several
 * instances each one counts its own share, which still caps guessing at instances × limit.
 */
@Injectable()
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  /** Counts one attempt, or throws a 429 `AuthError` carrying `Retry-After` when over a limit. */
  hit(ip: string, email: string, now = Date.now()): void {
    const checks: [string, number][] = [
      [`ip:${ip}`, this.config.loginMaxAttemptsPerIp],
      [`email:${email.trim().toLowerCase()}`, this.config.loginMaxAttemptsPerEmail],
    ];
    for (const [key, limit] of checks) {
      const window = this.current(key, now);
      if (window.count >= limit) throw AuthError.tooManyAttempts(Math.max(1, Math.ceil((window.resetsAt - now) / 1000)));
    }
    for (const [key] of checks) this.current(key, now).count += 1;
  }

  private current(key: string, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.resetsAt <= now) {
      if (this.windows.size >= MAX_TRACKED_KEYS) this.evictExpired(now);
      window = { count: 0, resetsAt: now + this.config.loginWindowSeconds * 1000 };
      this.windows.set(key, window);
    }
    return window;
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(key);
    // Still full of live windows: drop the oldest rather than grow.
    if (this.windows.size >= MAX_TRACKED_KEYS) this.windows.delete(this.windows.keys().next().value!);
  }
}
