import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service.js';
import { ClerkWebhookEventsRepository, type StoredEvent } from './clerk-webhook-events.repository.js';
import { ClerkUserSync } from './clerk-user-sync.js';
import { ExternalIdUpdates } from './external-id-updates.js';
import { PostponeEvent } from './sync.error.js';

/** Every instance looks for events this often besides being woken by its own deliveries (another instance's, a retry). */
const POLL_MS = 2_000;
/** Owed `external_id` updates are retried this often by each instance (each update claimed by one). */
const EXTERNAL_ID_RETRY_MS = 60_000;
/** Applied events are kept this long (for the operator, and so that a late repeat is still known), then pruned. */
const KEEP_APPLIED_DAYS = 30;
/** Loops applying at once per instance; each holds one connection while it applies. */
const DRAINERS = 2;
/** A failing event waits 1 s, 2 s, 4 s, … up to 5 minutes between attempts. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;
/**
 * After this many failures (about an hour and a half of retries) an event is given up: kept with its
 * error and outcome `gave_up` for the operator, and left to the nightly `sync`, which reads the
 * account from Clerk itself, rather than retried every five minutes for ever.
 */
export const MAX_EVENT_ATTEMPTS = 25;

/**
 * Applies stored webhook events, in every instance: each takes the oldest due event with
 * `FOR UPDATE SKIP LOCKED` and applies it in that same transaction, so an event is applied once
 * whoever takes it and whenever a worker dies. Woken in-process right after a delivery is stored.
 */
@Injectable()
export class ClerkEventsWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClerkEventsWorker.name);
  private running = 0;
  private again = false;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: ClerkWebhookEventsRepository,
    private readonly sync: ClerkUserSync,
    private readonly externalIds: ExternalIdUpdates,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const poll = setInterval(() => this.wake(), POLL_MS);
    const retry = setInterval(() => void this.housekeeping(), EXTERNAL_ID_RETRY_MS);
    for (const timer of [poll, retry]) timer.unref();
    this.timers = [poll, retry];
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
  }

  /** Owed external_id updates sent, old applied events pruned; failures wait for the next round. */
  private async housekeeping(): Promise<void> {
    await this.externalIds.retryDue(100).catch(() => 0);
    await this.events.prune(KEEP_APPLIED_DAYS, 10_000).catch(() => undefined);
  }

  /** Starts draining unless enough loops already are; a loop running tries once more before it stops. */
  wake(): void {
    if (this.stopped) return;
    this.again = true;
    while (this.running < DRAINERS) {
      this.running += 1;
      void this.drain().finally(() => (this.running -= 1));
    }
  }

  /** Applies due events until none is left. Resolves when this loop found nothing more to do. */
  async drain(): Promise<void> {
    for (;;) {
      this.again = false;
      let applied: boolean;
      try {
        applied = await this.applyNext();
      } catch (error) {
        this.logger.warn(`webhook worker: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (!applied && !this.again) return;
      if (this.stopped) return;
    }
  }

  /** One event, in one transaction; false when none was due. */
  private async applyNext(): Promise<boolean> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const stored = await this.events.claimNext(manager);
      if (!stored) return null;
      // A failure is undone back to here and recorded while this transaction still holds the event:
      // released first, another worker could take it and fail it again before either had counted.
      await manager.query('SAVEPOINT apply_event');
      try {
        const applied = await this.sync.applyEvent(stored.event, manager, stored.receivedAt);
        await this.events.markApplied(stored.id, applied.reason ? `${applied.outcome}:${applied.reason}` : applied.outcome, manager);
        return { type: stored.event.type, applied };
      } catch (error) {
        await manager.query('ROLLBACK TO SAVEPOINT apply_event');
        await this.failed(stored, error, manager);
        return { type: stored.event.type, applied: null };
      }
    });
    if (!outcome) return false;
    if (outcome.applied) {
      this.metrics.webhookEvent('applied', outcome.type, outcome.applied.outcome);
      if (outcome.applied.provisionedUserId) this.externalIds.startSoon(outcome.applied.provisionedUserId);
    }
    return true;
  }

  private async failed(stored: StoredEvent, error: unknown, manager: EntityManager): Promise<void> {
    const { id, event } = stored;
    if (error instanceof PostponeEvent) return this.events.retryLater(id, error.delayMs, null, manager);
    const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
    if (stored.attempts + 1 >= MAX_EVENT_ATTEMPTS) {
      this.logger.error(
        `webhook event ${id} (${event.type}) failed ${stored.attempts + 1} times, given up (sync repairs the account): ${message}`,
      );
      this.metrics.webhookEvent('applied', event.type, 'gave_up');
      return this.events.giveUp(id, message, manager);
    }
    const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(stored.attempts, 16));
    this.logger.warn(`webhook event ${id} (${event.type}) failed, retried in ${delay} ms: ${message}`);
    await this.events.retryLater(id, delay, message, manager);
  }
}
