import { backoffDelayMs } from './backoff.policy.js';
import { LocalClassBudget, type ClassBudget } from './class-budget.js';
import { systemClock, type Clock } from './clock.js';
import { CLERK_CLASS_LIMITS, classOfOperation, type LimitedRequestClass } from './clerk-request.classes.js';
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
  /** 1 for a call's first attempt; more for a retry (after a 429 or a transient failure). */
  attempt: number;
  /** HTTP requests the attempt made (`RunOptions.cost`: the SDK's user list also asks for the count). */
  requests: number;
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
  /** The limited classes' windows (invitations, user updates); unset: this process's own, at Clerk's limits. */
  classes?: ClassBudget;
  observe?: ClerkRequestObserver;
  /** Which Clerk this is, for errors that are about reaching it (`Clerk at https://… (CLERK_API_URL), sk_test_ key`). */
  target?: string;
}

export interface RunOptions {
  /**
   * A short, fixed name for metrics (`users.create`); never anything that varies per call. It also
   * names the call's class: `invitations.create`, `invitations.bulk_create` and `users.update` have
   * Clerk limits of their own (`clerk-request.classes.ts`), everything else counts only globally.
   */
  operation?: string;
  /** Whom a per-user class counts against: the Clerk user id of a `users.update`. */
  subject?: string;
  /**
   * The longest this call may wait for a pause (its class's or the instance-wide one this process
   * knows of) or for room in its class's window; longer, it sends nothing and throws `class_paused`
   * with the wait as `retryAfterSeconds`. Unset: it waits as long as it takes.
   */
  maxWaitMs?: number;
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
 * in the app), and a call of a limited class (invitations, user updates) first takes a place in its
 * class's window. A 429 pauses what it came from for Retry-After: the class of a limited call, only
 * that class (a refused invitation holds no look-up back); for any other call the whole gateway and
 * the shared budget (every caller of every process waits, not only the one refused, even one
 * already waiting for its slot). Transient failures are retried with full-jitter backoff, and each
 * attempt has a deadline.
 */
export class ClerkRequestPacer {
  private readonly budget: RequestBudget;
  private readonly classes: ClassBudget;
  private readonly clock: Clock;
  private pausedUntil = 0;

  constructor(private readonly options: PacerOptions) {
    this.clock = options.clock ?? systemClock;
    this.budget = options.budget ?? pacingBucket(options.ratePerSecond, this.clock);
    this.classes = options.classes ?? new LocalClassBudget(CLERK_CLASS_LIMITS, this.clock);
  }

  async run<T>(call: () => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const maxAttempts = runOptions.maxAttempts ?? this.options.maxAttempts;
    const maxRateLimitWaits = runOptions.maxRateLimitWaits ?? this.options.maxRateLimitWaits ?? 10;
    let attempt = 0;
    let rateLimitWaits = 0;
    let sent = 0;
    const requestClass = classOfOperation(runOptions.operation);
    for (;;) {
      await this.waitForPause(runOptions.maxWaitMs);
      // The class before the slot: a call that cannot send for an hour must not hold an instance-wide slot meanwhile.
      if (requestClass !== 'global') await this.classes.take(requestClass, runOptions.subject, runOptions.maxWaitMs);
      await this.budget.take(runOptions.cost ?? 1);
      await this.waitForPause();
      const started = this.clock.now();
      sent += 1;
      try {
        const result = await this.withTimeout(call);
        this.observe(runOptions, 'ok', started, sent);
        return result;
      } catch (raw) {
        const error = classifyClerkError(raw);
        this.observe(runOptions, error.status !== undefined ? String(error.status) : (error.clerkCode ?? error.kind), started, sent);
        if (error.kind === ClerkErrorKind.RateLimited) {
          // Clerk's word holds for everyone of the class, whether or not this caller waits it out.
          const seconds = error.retryAfterSeconds ?? this.options.defaultRetryAfterSeconds ?? 1;
          if (requestClass === 'global') this.pause(seconds);
          else await this.classes.pauseUntil(requestClass, runOptions.subject, this.clock.now() + seconds * 1000);
          if (++rateLimitWaits <= maxRateLimitWaits) continue;
        }
        if (error.kind !== ClerkErrorKind.Transient || ++attempt >= maxAttempts) throw this.located(error);
        runOptions.onTransient?.(error);
        await this.clock.sleep(backoffDelayMs(attempt, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs, this.options.random));
      }
    }
  }

  /** Milliseconds until `count` more requests of a limited class could all have gone (`ClassBudget.backlogMs`). */
  classBacklogMs(requestClass: LimitedRequestClass, count: number, notBeforeMs?: number): Promise<number> {
    return this.classes.backlogMs(requestClass, count, notBeforeMs);
  }

  /**
   * A failure to reach Clerk, or a refused key, names which Clerk and which kind of key (never the
   * key): "fetch failed" alone sends an operator looking everywhere but at CLERK_API_URL.
   */
  private located(error: ClerkGatewayError): ClerkGatewayError {
    const aboutReaching =
      error.kind === ClerkErrorKind.Unauthorized || (error.kind === ClerkErrorKind.Transient && error.status === undefined);
    if (!aboutReaching || !this.options.target) return error;
    return new ClerkGatewayError({ ...error, kind: error.kind, message: `${error.message} (${this.options.target})` });
  }

  private observe(runOptions: RunOptions, status: string, started: number, attempt: number): void {
    const seconds = (this.clock.now() - started) / 1000;
    this.options.observe?.({ operation: runOptions.operation ?? 'other', status, seconds, attempt, requests: runOptions.cost ?? 1 });
  }

  private pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + seconds * 1000);
    void this.budget.pauseUntil?.(this.pausedUntil);
  }

  /**
   * Sits out this process's instance-wide pause. A caller with a `maxWaitMs` also asks the shared
   * budget, so that a pause another process met fails it fast instead of holding it in `take`.
   */
  private async waitForPause(maxWaitMs?: number): Promise<void> {
    if (maxWaitMs !== undefined) {
      const sharedMs = (await this.budget.pausedForMs?.()) ?? 0;
      const waitMs = Math.max(this.pausedUntil - this.clock.now(), sharedMs);
      if (waitMs > maxWaitMs) throw ClerkGatewayError.classPaused('instance-wide', waitMs);
    }
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
