import { systemClock, type Clock } from './clock.js';

/**
 * Paces requests to a steady rate. Capacity is the largest burst allowed after idling; the
 * gateway keeps it at 1 so that no window of Clerk's (10 s, sliding or fixed) sees more than
 * the configured rate. Waiters are served in arrival order.
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
