import type { FaultKind, FaultRates, QueuedFault } from './emulator.types.js';

export interface FaultSettings extends FaultRates {
  latencyMs: number;
}

export interface FaultConfigInput extends Partial<FaultSettings> {
  /** Faults served, in order, to the next matching requests, before any random draw. */
  queue?: QueuedFault[];
}

export const NO_FAULTS: FaultSettings = { errorRate5xx: 0, dropRate: 0, lostResponseRate: 0, latencyMs: 0 };

/**
 * Decides which fault, if any, a Backend API request meets. Queued faults make a test deterministic
 * ("the next create is lost"); rates model a flaky network for benchmarks and soak runs.
 */
export class FaultInjector {
  private settings: FaultSettings;
  private queue: QueuedFault[] = [];

  constructor(
    initial: Partial<FaultSettings> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.settings = { ...NO_FAULTS, ...initial };
  }

  configure(input: FaultConfigInput): { settings: FaultSettings; queued: number } {
    const { queue, ...rates } = input;
    this.settings = { ...this.settings, ...rates };
    if (queue) this.queue.push(...queue);
    return { settings: this.settings, queued: this.queue.length };
  }

  enqueue(kind: FaultKind, count = 1, route?: string, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.queue.push({ kind, route, retryAfterSeconds });
  }

  get latencyMs(): number {
    return this.settings.latencyMs;
  }

  next(route: string): QueuedFault | undefined {
    const index = this.queue.findIndex((fault) => fault.route === undefined || fault.route === route);
    if (index >= 0) return this.queue.splice(index, 1)[0];
    const draw = this.random();
    const { errorRate5xx, dropRate, lostResponseRate } = this.settings;
    if (draw < errorRate5xx) return { kind: 'error_5xx' };
    if (draw < errorRate5xx + dropRate) return { kind: 'drop' };
    if (draw < errorRate5xx + dropRate + lostResponseRate) return { kind: 'lost_response' };
    return undefined;
  }

  reset(): void {
    this.settings = { ...NO_FAULTS };
    this.queue = [];
  }
}
