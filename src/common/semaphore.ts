import { AppError, CommonErrorCode } from './app-error.js';

/** At most `limit` holders at a time; the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('a semaphore needs a limit of at least 1');
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `active` never drops below the queue's need.
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** The work was refused because too much is already running or waiting: try again shortly. */
export class OverloadedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(503, CommonErrorCode.Overloaded, message);
  }
}

/**
 * A semaphore with a bounded line: at most `maxPending` callers running or waiting, the next one is
 * refused at once with an `OverloadedError`, so that a flood turns into quick 503s instead of a
 * queue (and memory, and latency) that grows without limit.
 */
export class BoundedSemaphore {
  private pending = 0;
  private readonly slots: Semaphore;

  constructor(
    limit: number,
    private readonly maxPending: number,
    private readonly refusal: () => OverloadedError = () => new OverloadedError('Too much work in progress; try again shortly'),
  ) {
    if (!(maxPending >= 1)) throw new RangeError('a bounded semaphore needs room for at least 1');
    this.slots = new Semaphore(limit);
  }

  /** Throws the refusal now when `run` would refuse: lets a caller skip its other work first. */
  assertRoom(): void {
    if (this.pending >= this.maxPending) throw this.refusal();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.assertRoom();
    this.pending += 1;
    try {
      return await this.slots.run(work);
    } finally {
      this.pending -= 1;
    }
  }
}
