import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClerkRequestOutcome } from './clerk-request.pacer.js';

/** What one piece of work (a run) has asked of Clerk so far. */
export interface ClerkUsage {
  /** HTTP requests, each attempt's counted (a user list with its count is two). */
  requests: number;
  /** Attempts Clerk answered 429. */
  rateLimited: number;
  /** Attempts that repeated a call: after a 429, or after a transient failure. */
  retries: number;
  /** `CLERK_RATE_LIMIT` of this process: the budget every process shares, to set the work's rate against. */
  budgetPerSecond: number;
}

type Counts = Omit<ClerkUsage, 'budgetPerSecond'>;

/**
 * Which work a Clerk request is for. The gateway is shared by everything in a process (runs, the
 * trickle, sign-ins, the invitation sender), so a run marks what it does (`attribute`) and every
 * request made within it, down every async path it starts, counts under its key. Kept in this
 * process's memory only: the run's own process writes the counts to the run's row with its heartbeat.
 */
export class ClerkRequestAttribution {
  private readonly current = new AsyncLocalStorage<Counts>();
  private readonly counts = new Map<string, Counts>();

  constructor(private readonly budgetPerSecond: number) {}

  /** Runs `work` with its Clerk requests counted under `key`. */
  attribute<T>(key: string, work: () => T): T {
    let counts = this.counts.get(key);
    if (!counts) {
      counts = { requests: 0, rateLimited: 0, retries: 0 };
      this.counts.set(key, counts);
    }
    return this.current.run(counts, work);
  }

  /** Told of every attempt by the gateway; counts it for the work it was made in, if any. */
  record(outcome: Pick<ClerkRequestOutcome, 'status' | 'attempt' | 'requests'>): void {
    const counts = this.current.getStore();
    if (!counts) return;
    counts.requests += outcome.requests;
    if (outcome.status === '429') counts.rateLimited += 1;
    if (outcome.attempt > 1) counts.retries += 1;
  }

  usageOf(key: string): ClerkUsage {
    const counts = this.counts.get(key) ?? { requests: 0, rateLimited: 0, retries: 0 };
    return { ...counts, budgetPerSecond: this.budgetPerSecond };
  }

  /** Once the work has ended and its counts are written. */
  forget(key: string): void {
    this.counts.delete(key);
  }
}
