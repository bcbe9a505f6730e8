import { backoffDelayMs } from './backoff.policy.js';
import { systemClock, type Clock } from './clock.js';
import { classifyClerkError } from './clerk-error.classifier.js';
import { ClerkErrorKind, ClerkGatewayError } from './clerk-gateway.error.js';
import type { RequestBudget } from './request-budget.js';
import { pacingBucket } from './token-bucket.js';

/** How one request to Clerk ended: `ok`, the HTTP status, or our code when none came back (`network_error`, `timeout`). */
export interface ClerkRequestOutcome {
  operation: string;
  status: string;
  /** How long the attempt took, pacing and pauses aside. */
  seconds: number;
}

/** Told of every request's outcome, each attempt counted; for metrics, without tying this folder to them. */
export type ClerkRequestObserver = (outcome: ClerkRequestOutcome) => void;

export interface PacerOptions {
  ratePerSecond: number;
  requestTimeoutMs: number;
  /** Attempts for transient failures, the first included. */
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How many 429s one call may sit out before it reports `rate_limited`. */
  maxRateLimitWaits?: number;
  /** Used when a 429 carries no Retry-After. */
  defaultRetryAfterSeconds?: number;
  clock?: Clock;
  random?: () => number;
  /** Where the permission to send comes from; unset: a bucket of this process's own at `ratePerSecond`. */
  budget?: RequestBudget;
  observe?: ClerkRequestObserver;
}

export interface RunOptions {
  /** A short, fixed name for metrics (`users.create`); never anything that varies per call. */
  operation?: string;
  /** Requests the call makes (the SDK's user list also asks for the count: 2). */
  cost?: number;
  /** Told of each transient failure before it is retried, e.g. to reconcile a create that may have landed. */
  onTransient?: (error: ClerkGatewayError) => void;
  /** Overrides `PacerOptions.maxAttempts` for this call: 1 for a call that must never be sent twice. */
  maxAttempts?: number;
  /** Overrides `PacerOptions.maxRateLimitWaits`: 0 reports a 429 at once, pausing nobody. */
  maxRateLimitWaits?: number;
}

/**
 * Every Clerk call goes through here: the budget paces it (shared by the fleet through PostgreSQL
 * in the app), a 429 pauses the whole gateway and the shared budget for Retry-After (every caller
 * of every process waits, not only the one refused, even one already waiting for its slot),
 * transient failures are retried with full-jitter backoff, and each attempt has a deadline.
 */
export class ClerkRequestPacer {
  private readonly budget: RequestBudget;
  private readonly clock: Clock;
  private pausedUntil = 0;

  constructor(private readonly options: PacerOptions) {
    this.clock = options.clock ?? systemClock;
    this.budget = options.budget ?? pacingBucket(options.ratePerSecond, this.clock);
  }

  async run<T>(call: () => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const maxAttempts = runOptions.maxAttempts ?? this.options.maxAttempts;
    const maxRateLimitWaits = runOptions.maxRateLimitWaits ?? this.options.maxRateLimitWaits ?? 10;
    let attempt = 0;
    let rateLimitWaits = 0;
    for (;;) {
      await this.waitForPause();
      await this.budget.take(runOptions.cost ?? 1);
      await this.waitForPause();
      const started = this.clock.now();
      try {
        const result = await this.withTimeout(call);
        this.observe(runOptions, 'ok', started);
        return result;
      } catch (raw) {
        const error = classifyClerkError(raw);
        this.observe(runOptions, error.status !== undefined ? String(error.status) : (error.clerkCode ?? error.kind), started);
        if (error.kind === ClerkErrorKind.RateLimited && ++rateLimitWaits <= maxRateLimitWaits) {
          this.pause(error.retryAfterSeconds ?? this.options.defaultRetryAfterSeconds ?? 1);
          continue;
        }
        if (error.kind !== ClerkErrorKind.Transient || ++attempt >= maxAttempts) throw error;
        runOptions.onTransient?.(error);
        await this.clock.sleep(backoffDelayMs(attempt, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs, this.options.random));
      }
    }
  }

  private observe(runOptions: RunOptions, status: string, started: number): void {
    this.options.observe?.({ operation: runOptions.operation ?? 'other', status, seconds: (this.clock.now() - started) / 1000 });
  }

  private pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + seconds * 1000);
    void this.budget.pauseUntil?.(this.pausedUntil);
  }

  private async waitForPause(): Promise<void> {
    while (this.clock.now() < this.pausedUntil) await this.clock.sleep(this.pausedUntil - this.clock.now());
  }

  /**
   * `@clerk/backend` takes no AbortSignal, so a late answer cannot be cancelled, only ignored; the
   * caller treats the attempt as transient and, for a create, reconciles by external id.
   */
  private withTimeout<T>(call: () => Promise<T>): Promise<T> {
    const timeoutMs = this.options.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ClerkGatewayError({
            kind: ClerkErrorKind.Transient,
            clerkCode: 'timeout',
            message: `Clerk did not answer within ${timeoutMs} ms`,
          }),
        );
      }, timeoutMs);
      call().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}
