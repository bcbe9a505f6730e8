import { systemClock, type Clock } from './clock.js';

/** Clerk counts Backend API requests over 10-second windows. */
export const CLERK_WINDOW_SECONDS = 10;

/**
 * How far the network and Clerk's front may spread the arrival of requests sent at given times: a
 * window at Clerk's end may take in what we sent over 10.1 s.
 */
export const ARRIVAL_SPREAD_SECONDS = 0.1;

/** Below 2, so that what the bucket banks never adds up to a burst of two beyond the schedule. */
export const PACING_CAPACITY = 1.99;

/**
 * The bucket the gateway paces Clerk calls with. A capacity of exactly 1 throws away every
 * millisecond a timer wakes late (the bucket is already full): ~8% of the rate at 100 req/s on an
 * idle machine, more on a busy one, and that loss was all that kept a pacer set at Clerk's own
 * limit clear of 429s. `PACING_CAPACITY` banks up to one interval of lateness instead, and the
 * rate is trimmed so that any window of Clerk's, widened by `ARRIVAL_SPREAD_SECONDS`, still holds
 * at most rate × 10 s requests: r' = (r·W + 1 − capacity) / (W + spread), 98.9 req/s for 100.
 * Below 1 req/s lateness is negligible and the plain bucket is kept.
 */
export function pacingBucket(ratePerSecond: number, clock: Clock = systemClock): TokenBucket {
  if (ratePerSecond < 1) return new TokenBucket(ratePerSecond, 1, clock);
  const trimmed = (ratePerSecond * CLERK_WINDOW_SECONDS + 1 - PACING_CAPACITY) / (CLERK_WINDOW_SECONDS + ARRIVAL_SPREAD_SECONDS);
  return new TokenBucket(trimmed, PACING_CAPACITY, clock);
}

/**
 * Paces requests to a steady rate. Capacity is the largest burst allowed after idling; the
 * gateway keeps it below 2 (`pacingBucket`) so that no window of Clerk's (10 s, sliding or fixed)
 * sees more than the configured rate. Waiters are served in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity = 1,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.tokens = capacity;
    this.last = clock.now();
  }

  /** Resolves once `cost` tokens are taken; a cost above the capacity is allowed and waits longer. */
  take(cost = 1): Promise<void> {
    const turn = this.queue.then(() => this.acquire(cost));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * A call costing more than the capacity waits for a full bucket and leaves it in debt, so the
   * callers after it wait for the difference and the average rate still holds.
   */
  private async acquire(cost: number): Promise<void> {
    const need = Math.min(cost, this.capacity);
    this.refill();
    // A loop, not an if: a real timer may wake a millisecond early by Date.now()'s reckoning.
    while (this.tokens < need) {
      await this.clock.sleep(Math.max(1, Math.ceil(((need - this.tokens) / this.ratePerSecond) * 1000)));
      this.refill();
    }
    this.tokens -= cost;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
