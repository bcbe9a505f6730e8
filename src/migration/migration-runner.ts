import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { ClerkRequestAttribution } from '../clerk/clerk-request.attribution.js';
import { ClerkErrorKind, ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { migrationConfig, type MigrationConfig, type MigrationStrategy, type OnExistingPolicy } from '../config/migration.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { DependentRows } from './dependent-rows.js';
import type { ItemStatus } from './migration-item.entity.js';
import type { HeldLock } from '../locks/migration-lock.js';
import { MigrationPlanner } from './migration-planner.js';
import type { MigrationRunEntity, RunStatus } from './migration-run.entity.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { readAhead } from './read-ahead.js';
import { runPool } from './run-pool.js';
import { profileOf, UserMigrator, type RunContext, type WorkItem } from './user-migrator.js';

/** How often a working run says it is alive; see `STALE_AFTER_MS` in locks/lease-liveness.ts for when silence means dead. */
const HEARTBEAT_INTERVAL_MS = 1_000;

export interface RunOptions {
  strategy: MigrationStrategy;
  onExisting: OnExistingPolicy;
  limit?: number;
}

export interface RunProgress {
  runId: string;
  processed: number;
  total: number;
  counts: Partial<Record<ItemStatus, number>>;
}

export type ProgressListener = (progress: RunProgress) => void;

/**
 * Executes a run that holds the migration lock: recover what an earlier run left behind, then plan
 * and migrate users batch by batch, a bounded number of Clerk calls in flight, and record the end.
 */
@Injectable()
export class MigrationRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MigrationRunner.name);
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(
    private readonly clerk: ClerkGateway,
    private readonly planner: MigrationPlanner,
    private readonly migrator: UserMigrator,
    private readonly runs: MigrationRunsRepository,
    private readonly dependents: DependentRows,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly attribution: ClerkRequestAttribution,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
  ) {}

  /**
   * Runs to the end and releases the lock, whatever happens; never rejects. While it works, the
   * lease of its lock, which the run names, tells other processes it is alive; if the lock is lost,
   * it stops taking users.
   */
  execute(
    run: MigrationRunEntity,
    lock: HeldLock,
    source: AsyncIterable<UserEntity[]>,
    total: number,
    onProgress?: ProgressListener,
  ): Promise<MigrationRunEntity> {
    // Fenced: a run another process has declared dead (found silent) stops as one that lost its
    // lock does, since its users may already be someone else's.
    const fenced = new AbortController();
    // The heartbeat carries the run's Clerk requests so far: every instance reading the run sees them.
    const beat = () =>
      void this.runs.touchHeartbeat(run.id, this.attribution.usageOf(run.id)).then(
        (alive) => alive || fenced.abort(),
        () => undefined,
      );
    beat();
    const heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
    const work = () => this.executeHeld(run, AbortSignal.any([lock.lost, fenced.signal]), source, total, onProgress);
    const done = this.attribution.attribute(run.id, work).finally(() => {
      clearInterval(heartbeat);
      this.attribution.forget(run.id);
      return lock.release();
    });
    this.active.add(done);
    return done.finally(() => this.active.delete(done));
  }

  /**
   * On SIGTERM: stop taking users, let the ones in flight finish and record the run as interrupted.
   * Before, not on, application shutdown: the database connection closes in the latter.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.active]);
  }

  private async executeHeld(
    run: MigrationRunEntity,
    lockLost: AbortSignal,
    source: AsyncIterable<UserEntity[]>,
    total: number,
    onProgress?: ProgressListener,
  ): Promise<MigrationRunEntity> {
    const context: RunContext = { runId: run.id, actor: run.startedBy, invitationRedirectUrl: this.config.invitationRedirectUrl };
    const stop = AbortSignal.any([this.stopping.signal, lockLost]);
    const options = run.options as RunOptions;
    let status: RunStatus = 'completed';
    let error: { code: string; message: string } | undefined;
    const dependentRows: { before?: Record<string, number>; after?: Record<string, number> } = {};
    try {
      await this.recoverAbandoned(run.id);
      dependentRows.before = await this.dependents.count();
      await this.migrateAll(context, options, source, total, stop, onProgress);
      await this.reconcileUncertain(context, run.id);
      dependentRows.after = await this.dependents.count();
      if (lockLost.aborted) {
        status = await this.interrupt(run.id, 'lost its lock');
        const message = "The run lost its hold (its lock's database session ended, or another process found it silent); it stopped";
        error = { code: MigrationErrorCode.LockLost, message };
      } else if (this.stopping.signal.aborted) status = await this.interrupt(run.id, 'interrupted by shutdown');
    } catch (failure) {
      status = 'failed';
      error = describeFailure(failure);
      this.logger.error(`run ${run.id} failed: ${error.message}`);
      // Users planned but never started would otherwise stay `pending` for ever; the next run takes them.
      await this.runs.failPendingItems([run.id], error.code).catch(() => 0);
    }
    return this.finish(run, status, error, dependentRows).catch((failure: unknown) => {
      // Most likely the database itself is gone; the next run finds this one `running` and recovers it.
      const lost = describeFailure(failure);
      this.logger.error(`run ${run.id} ended (${status}) but could not be recorded: ${lost.message}`);
      return { ...run, status: 'failed' as const, errorCode: lost.code, errorMessage: lost.message };
    });
  }

  private async migrateAll(
    context: RunContext,
    options: RunOptions,
    source: AsyncIterable<UserEntity[]>,
    total: number,
    stop: AbortSignal,
    onProgress?: ProgressListener,
  ): Promise<void> {
    const counts: Partial<Record<ItemStatus, number>> = {};
    let processed = 0;
    await runPool(this.workItems(context.runId, options, source, stop), this.config.concurrency, async (item) => {
      const status = await this.migrator.execute(context, item);
      counts[status] = (counts[status] ?? 0) + 1;
      this.metrics.migrationOutcome(status);
      processed += 1;
      onProgress?.({ runId: context.runId, processed, total, counts });
    });
  }

  /**
   * The next batch is planned while this one migrates (`readAhead`): otherwise every batch's look-up
   * and inserts would leave the Clerk budget unused, a few per cent of the rate at the limit.
   */
  private async *workItems(
    runId: string,
    options: RunOptions,
    source: AsyncIterable<UserEntity[]>,
    stop: AbortSignal,
  ): AsyncGenerator<WorkItem> {
    for await (const batch of readAhead(this.plannedBatches(runId, options, source, stop))) {
      for (const item of batch) {
        if (stop.aborted) return;
        yield item;
      }
    }
  }

  /**
   * A user some trickle migration has claimed meanwhile gets no item (`insertItems` leaves them
   * out) and is left to it: the two never work on the same person.
   */
  private async *plannedBatches(
    runId: string,
    options: RunOptions,
    source: AsyncIterable<UserEntity[]>,
    stop: AbortSignal,
  ): AsyncGenerator<WorkItem[]> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    for await (const users of source) {
      if (stop.aborted || remaining <= 0) return;
      const batch = users.slice(0, remaining);
      remaining -= batch.length;
      const planned = await this.planner.plan(batch, options);
      const itemIds = await this.runs.insertItems(runId, planned, 'pending');
      const byId = new Map(batch.map((u) => [u.userId, u]));
      yield planned
        .filter((plan) => itemIds.has(plan.userId))
        .map((plan) => ({ ...plan, itemId: itemIds.get(plan.userId)!, ...profileOf(byId.get(plan.userId)!) }));
    }
  }

  /** Users planned but not started when the run had to stop: failed as interrupted; the next run takes them. */
  private async interrupt(runId: string, why: string): Promise<RunStatus> {
    const left = await this.runs.failPendingItems([runId], MigrationErrorCode.Interrupted);
    this.logger.warn(`run ${runId} ${why}; ${left} planned users left for the next run`);
    return 'interrupted';
  }

  /**
   * Runs left `running` by a dead process are marked interrupted; their uncertain creates are
   * settled. Items of live work elsewhere (a trickle migration in flight) are left alone.
   */
  private async recoverAbandoned(runId: string): Promise<void> {
    const abandoned = await this.runs.interruptAbandonedRuns(runId);
    if (abandoned.length > 0) this.logger.warn(`recovering after interrupted runs: ${abandoned.join(', ')}`);
    await this.reconcileUncertain({ runId, actor: 'reconciliation' });
  }

  /**
   * Items whose create was sent without a recorded answer: a Clerk user with their external id
   * means the create landed (link it, as created by that item's run); none means it did not.
   */
  async reconcileUncertain(context: RunContext, onlyRunId?: string): Promise<void> {
    for (;;) {
      const items = await this.runs.findUncertainItems(100, onlyRunId);
      if (items.length === 0) return;
      const found = await this.clerk.findUsersByExternalIds(items.map((i) => i.userId)).catch(() => undefined);
      if (!found) return; // Clerk unreachable: leave them for the next run.
      const byExternalId = new Map(found.map((u) => [u.externalId, u.id]));
      for (const item of items) {
        const itemContext = { ...context, runId: item.runId };
        const clerkUserId = byExternalId.get(item.userId);
        if (clerkUserId)
          await this.migrator.link(
            itemContext,
            { itemId: item.id, userId: item.userId, email: item.email, reason: 'reconciled' },
            clerkUserId,
            true,
            item.action === 'invite',
          );
        else await this.runs.updateItem(item.id, { status: 'failed', errorCode: item.errorCode ?? 'not_created' });
      }
    }
  }

  private async finish(
    run: MigrationRunEntity,
    status: RunStatus,
    error: { code: string; message: string } | undefined,
    dependentRows: object,
  ): Promise<MigrationRunEntity> {
    await this.runs.recordClerkUsage(run.id, this.attribution.usageOf(run.id));
    const itemCounts = await this.runs.countItems(run.id);
    if (status === 'completed' && ((itemCounts.failed ?? 0) > 0 || (itemCounts.creating ?? 0) > 0)) status = 'completed_with_errors';
    const finished = await this.runs.finishRun(run.id, status, error);
    await this.runs.updateRun(run.id, { counts: { ...finished.counts, dependentRows } });
    await this.audit.record({
      actor: run.startedBy,
      action: AuditAction.RunFinished,
      details: { runId: run.id, status, counts: itemCounts, error },
    });
    return { ...finished, counts: { ...finished.counts, dependentRows } };
  }
}

/** What a failure that ends a run (or a dry run) is recorded as. */
export function describeFailure(failure: unknown): { code: string; message: string } {
  if (failure instanceof MigrationError) return { code: failure.code, message: failure.message };
  if (failure instanceof ClerkGatewayError) {
    if (failure.kind === ClerkErrorKind.Unauthorized || failure.kind === ClerkErrorKind.NotConfigured) {
      return { code: MigrationErrorCode.ClerkUnauthorized, message: `Clerk refused the secret key (CLERK_SECRET_KEY): ${failure.message}` };
    }
    return { code: MigrationErrorCode.ClerkUnavailable, message: `A Clerk look-up failed after every retry: ${failure.message}` };
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  const databaseDown = /ECONNREFUSED|terminat|Connection|connect/i.test(message);
  return { code: databaseDown ? MigrationErrorCode.DatabaseUnavailable : 'internal_error', message };
}
