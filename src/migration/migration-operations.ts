import { Injectable, Logger } from '@nestjs/common';
import type { HeldLock } from '../locks/migration-lock.js';
import { describeFailure } from './migration-runner.js';
import { PasswordCleanup, type CleanupReport, type CleanupRequest } from './password-cleanup.js';
import { RunRollback, type RollbackReport, type RollbackRequest } from './run-rollback.js';
import type { MigrationOperation, NewOperation } from '../operations/operation.js';
import { OperationsService } from '../operations/operations.service.js';

export interface OperationProgress {
  done: number;
  total: number;
}

export type OperationProgressListener = (progress: OperationProgress) => void;

export interface StartedOperation<Report> {
  /** The recorded operation; null for a preview, which changes nothing and records nothing. */
  operation: MigrationOperation | null;
  /** The report once the work has ended; rejects when it failed (which the operation records too). */
  finished: Promise<Report>;
}

/** Reports how far the work is: to the caller (the CLI's bar) and, for an operation, on its row. */
type PageDone = (done: number) => Promise<void>;

/**
 * Rollbacks and password clean-ups, each recorded as an operation while it works and once it has
 * ended, so that REST can answer 202 at once and any instance (or the console) can follow it.
 * Every method takes the migration lock its work holds, and releases it when the work ends.
 */
@Injectable()
export class MigrationOperations {
  private readonly logger = new Logger(MigrationOperations.name);

  constructor(
    private readonly rollbacks: RunRollback,
    private readonly passwords: PasswordCleanup,
    private readonly operations: OperationsService,
  ) {}

  /** Checks the run first (404, 409 not_rollbackable): a refusal comes before any work, the lock released. */
  async rollback(
    request: RollbackRequest,
    lock: HeldLock,
    onProgress?: OperationProgressListener,
  ): Promise<StartedOperation<RollbackReport>> {
    const [run, total] = await beforeWork(lock, async () => {
      const found = await this.rollbacks.rollbackableRun(request.runId);
      return [found, await this.rollbacks.countItems(found.id)] as const;
    });
    const operation = { kind: 'rollback', runId: run.id, options: { deleteClerkUsers: request.deleteClerkUsers }, total } as const;
    return this.begin({ ...operation, startedBy: request.actor }, request.dryRun, lock, onProgress, (pageDone) =>
      this.rollbacks.rollback(run, request, lock, pageDone),
    );
  }

  /** A preview (no lock) only counts; a clean-up that acts needs the lock. */
  async cleanup(
    request: CleanupRequest,
    lock?: HeldLock,
    onProgress?: OperationProgressListener,
  ): Promise<StartedOperation<CleanupReport>> {
    if (!lock) return { operation: null, finished: this.passwords.run(request) };
    const total = await beforeWork(lock, () => this.passwords.countRemovable());
    const operation = { kind: 'cleanup_passwords', runId: null, options: {}, total, startedBy: request.actor } as const;
    return this.begin(operation, request.dryRun, lock, onProgress, (pageDone) => this.passwords.run(request, lock, pageDone));
  }

  private async begin<Report extends object>(
    operation: Omit<NewOperation, 'leaseHolder'>,
    preview: boolean,
    lock: HeldLock,
    onProgress: OperationProgressListener | undefined,
    work: (pageDone: PageDone) => Promise<Report>,
  ): Promise<StartedOperation<Report>> {
    const tell = (done: number) => onProgress?.({ done, total: Math.max(operation.total, done) });
    if (preview) return { operation: null, finished: work(async (done) => tell(done)).finally(() => lock.release()) };
    const recorded = await beforeWork(lock, () => this.operations.create({ ...operation, leaseHolder: lock.holder }));
    const finished = this.execute(recorded, lock, () =>
      work(async (done) => {
        tell(done);
        // Progress is for people watching: a missed update must not stop the work.
        await this.operations.progress(recorded.id, done).catch(() => undefined);
      }),
    );
    // Whoever started it may not wait (REST answers 202): the outcome is on the row.
    finished.catch(() => undefined);
    return { operation: recorded, finished };
  }

  /** The outcome is written before the lock (and its lease) goes: a reader never sees a finished operation as abandoned. */
  private async execute<Report extends object>(
    operation: MigrationOperation,
    lock: HeldLock,
    work: () => Promise<Report>,
  ): Promise<Report> {
    try {
      const report = await work();
      await this.operations.complete(operation.id, report);
      return report;
    } catch (error) {
      const failure = describeFailure(error);
      this.logger.error(`${operation.kind} ${operation.id} failed: ${failure.message}`);
      await this.operations.fail(operation.id, failure).catch(() => undefined);
      throw error;
    } finally {
      await lock.release();
    }
  }
}

/** What must hold before the work starts: if it throws, the lock is released and nothing was recorded. */
async function beforeWork<T>(lock: HeldLock, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    await lock.release();
    throw error;
  }
}
