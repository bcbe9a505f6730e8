import { SeqOrderedList } from './emulator-webhook-job-list.js';
import type { WebhookEventType } from './emulator-webhook-payloads.js';

export type WebhookFaultKind = 'duplicate' | 'reorder' | 'drop';
export const WEBHOOK_FAULT_KINDS: readonly WebhookFaultKind[] = ['duplicate', 'reorder', 'drop'];

/**
 * `strict`: an event waits until the one before it is delivered or has failed for good, so events
 * arrive in the order they occurred unless a fault says otherwise. `independent`: as Svix does, a
 * failed attempt waits for its retry while later events go ahead, so a failing endpoint sees them out of order.
 */
export type WebhookOrdering = 'strict' | 'independent';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

/** One event's delivery as a test sees it. */
export interface WebhookDelivery {
  svixId: string;
  type: WebhookEventType;
  clerkUserId: string;
  /** HTTP requests made for it so far, every copy and retry counted. */
  attempts: number;
  status: DeliveryStatus;
  /** The HTTP status of the last attempt; `null` before any, or when it met a network error. */
  lastStatus: number | null;
  /** The network error of the last attempt, if it met one. */
  lastError: string | null;
  /** 2 under the `duplicate` fault. */
  copies: number;
}

/** What one attempt met: an HTTP status, or a network error. */
export type AttemptOutcome = { status: number } | { error: string };

export type Transport = (attempt: { svixId: string; body: string; signal: AbortSignal }) => Promise<AttemptOutcome>;

interface DeliveryState extends WebhookDelivery {
  openCopies: number;
  failedCopies: number;
}

/** One copy of one event on its way: the body is kept only while it may still be sent. */
interface Job {
  delivery: DeliveryState;
  body: string;
  dueAt: number;
  seq: number;
  failures: number;
}

interface Waiter {
  check(): void;
  fail(err: Error): void;
}

/**
 * Svix's delivery, for one endpoint: one request in flight at a time, first attempts in the order
 * the events occurred, a failed attempt retried after the next delay of the schedule; whether later
 * events wait for it is the `WebhookOrdering`.
 */
export class WebhookQueue {
  private deliveryList: DeliveryState[] = [];
  /** Copies waiting to be sent, in order of occurrence (a retry keeps its place). */
  private readonly jobs = new SeqOrderedList<Job>();
  /** Groups held back by `reorder`, released after the next event that is not held. */
  private held: Job[][] = [];
  private faults: { kind: WebhookFaultKind; remaining: number }[] = [];
  private inFlight: AbortController | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<Waiter>();
  private generation = 0;
  /** Deliveries still `pending`, counted rather than scanned: a benchmark may queue many thousands. */
  private pendingCount = 0;
  private sequence = 0;
  private stopped = false;

  constructor(
    private readonly transport: Transport,
    private readonly retryDelaysMs: () => readonly number[],
    private readonly ordering: () => WebhookOrdering = () => 'strict',
  ) {}

  enqueue(event: { svixId: string; type: WebhookEventType; clerkUserId: string }, body: string): void {
    const fault = this.nextFault();
    const copies = fault === 'duplicate' ? 2 : 1;
    const delivery: DeliveryState = {
      ...event,
      attempts: 0,
      status: fault === 'drop' ? 'dropped' : 'pending',
      lastStatus: null,
      lastError: null,
      copies,
      openCopies: fault === 'drop' ? 0 : copies,
      failedCopies: 0,
    };
    this.deliveryList.push(delivery);
    if (fault !== 'drop') this.pendingCount += 1;
    if (fault === 'drop' || this.stopped) return;
    const group = Array.from({ length: copies }, () => ({ delivery, body, dueAt: 0, seq: 0, failures: 0 }));
    if (fault === 'reorder') {
      this.held.push(group);
      return;
    }
    this.schedule(group);
    this.releaseHeld();
    this.pump();
  }

  injectFault(kind: WebhookFaultKind, count: number): void {
    if (count > 0) this.faults.push({ kind, remaining: count });
  }

  private nextFault(): WebhookFaultKind | undefined {
    const next = this.faults[0];
    if (next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining === 0) this.faults.shift();
    return next.kind;
  }

  deliveries(): WebhookDelivery[] {
    return this.deliveryList.map(({ openCopies: _open, failedCopies: _failed, ...delivery }) => ({ ...delivery }));
  }

  /** Resolves once nothing is pending; an event held back with nothing to follow it is sent now. */
  idle(timeoutMs: number): Promise<void> {
    if (this.held.length > 0 && !this.stopped) {
      this.releaseHeld();
      this.pump();
    }
    if (!this.pending()) return Promise.resolve();
    if (this.stopped) return Promise.reject(new Error('the emulator stopped with webhooks pending'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          if (this.pending()) return;
          this.settle(waiter, timer);
          resolve();
        },
        fail: (err) => {
          this.settle(waiter, timer);
          reject(err);
        },
      };
      const timer = setTimeout(
        () => waiter.fail(new Error(`webhooks still pending after ${timeoutMs} ms: ${this.pendingCount}`)),
        timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  /** Forgets every delivery, queued fault and held event; an attempt in flight is abandoned. */
  reset(): void {
    this.abandon();
    this.deliveryList = [];
    this.pendingCount = 0;
    this.faults = [];
    this.notify();
  }

  /** No request or timer is left alive; waiters are told. */
  stop(): void {
    this.stopped = true;
    this.abandon();
    for (const waiter of [...this.waiters]) waiter.fail(new Error('the emulator stopped with webhooks pending'));
  }

  private abandon(): void {
    this.generation += 1;
    this.inFlight?.abort();
    this.inFlight = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.jobs.clear();
    this.held = [];
  }

  private settle(waiter: Waiter, timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.waiters.delete(waiter);
  }

  private pending(): boolean {
    return this.pendingCount > 0;
  }

  private schedule(group: Job[]): void {
    const now = Date.now();
    for (const job of group) Object.assign(job, { dueAt: now, seq: (this.sequence += 1) });
    for (const job of group) this.jobs.push(job);
  }

  /** What `reorder` held goes after the event just queued, the latest held first (each after its follower). */
  private releaseHeld(): void {
    for (const group of this.held.reverse()) this.schedule(group);
    this.held = [];
  }

  private pump(): void {
    if (this.stopped || this.inFlight !== null) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const index = this.nextIndex();
    const next = this.jobs.at(index);
    if (next === undefined) return;
    const wait = next.dueAt - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.pump(), wait);
      this.timer.unref();
      return;
    }
    this.jobs.removeAt(index);
    void this.attempt(next);
  }

  /**
   * Under `strict` the next is the first, whenever it is due. Else the first due: first attempts are
   * made in order, so every copy waiting for a retry comes before the first that was never tried, and
   * the scan stops there.
   */
  private nextIndex(): number {
    if (this.ordering() === 'strict') return 0;
    let best = 0;
    for (let i = 0; i < this.jobs.length; i += 1) {
      const job = this.jobs.at(i) as Job;
      if (job.dueAt < (this.jobs.at(best) as Job).dueAt) best = i;
      if (job.failures === 0) break;
    }
    return best;
  }

  private async attempt(job: Job): Promise<void> {
    const controller = new AbortController();
    const generation = this.generation;
    this.inFlight = controller;
    job.delivery.attempts += 1;
    const outcome = await this.transport({ svixId: job.delivery.svixId, body: job.body, signal: controller.signal }).catch(
      (err: unknown): AttemptOutcome => ({ error: err instanceof Error ? err.message : String(err) }),
    );
    if (generation !== this.generation) return;
    this.inFlight = null;
    this.record(job, outcome);
    this.notify();
    this.pump();
  }

  private record(job: Job, outcome: AttemptOutcome): void {
    const { delivery } = job;
    delivery.lastStatus = 'status' in outcome ? outcome.status : null;
    delivery.lastError = 'error' in outcome ? outcome.error : null;
    const delays = this.retryDelaysMs();
    if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) return this.finish(delivery, true);
    if (job.failures >= delays.length) return this.finish(delivery, false);
    job.dueAt = Date.now() + delays[job.failures];
    job.failures += 1;
    this.jobs.insert(job);
  }

  private finish(delivery: DeliveryState, delivered: boolean): void {
    delivery.openCopies -= 1;
    if (!delivered) delivery.failedCopies += 1;
    if (delivery.openCopies > 0) return;
    delivery.status = delivery.failedCopies > 0 ? 'failed' : 'delivered';
    this.pendingCount -= 1;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }
}
