import { Inject, Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { ActorEmails } from '../audit/actor-emails.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { migrationConfig, type MigrationConfig, type MigrationStrategy } from '../config/migration.config.js';
import { PasswordFormats, type PasswordFormatLabel } from '../passwords/password-formats.js';
import type { UserEntity } from '../users/user.entity.js';
import type { MoveState } from '../metrics/metrics.service.js';
import { InvitationsService, type InvitationQueue, type InvitationStats, type ResendReport } from '../invitations/invitations.service.js';
import { DevelopmentInstanceCap } from './development-instance-cap.js';
import { TRICKLE_RUN_PREFIX, trickleRunKey } from './login-migration.js';
import type { HeldLock } from '../locks/migration-lock.js';
import { LockTurns } from './lock-turns.js';
import { MigrationDryRun, type DryRunReport } from './migration-dry-run.js';
import type { ItemStatus } from './migration-item.entity.js';
import type { MigrationRunEntity, RunKind } from './migration-run.entity.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationRunner, type ProgressListener, type RunOptions } from './migration-runner.js';
import { assertConfirmed, MigrationError, MigrationErrorCode } from './migration.error.js';
import { MigrationVerifier, type VerifyReport } from './migration-verifier.js';
import type { CleanupReport, CleanupRequest } from './password-cleanup.js';
import { MigrationOperations, type OperationProgressListener, type StartedOperation } from './migration-operations.js';
import { OperationsService } from '../operations/operations.service.js';
import { RunReports, type RunItemView, type RunItemsPage } from './run-reports.js';
import type { RollbackReport, RollbackRequest } from './run-rollback.js';
import { UsersService, type LegacyFilter, type UserStats } from '../users/users.service.js';

export interface MigrateRequest {
  actor: string;
  strategy?: MigrationStrategy;
  /** One user, by email (case-insensitive). */
  email?: string;
  limit?: number;
  kind?: Extract<RunKind, 'all' | 'sweep'>;
  /** Plan again users reported invalid whose row has not changed since (left out otherwise). */
  retryInvalid?: boolean;
  /** For a sweep: the schedule's slot, so that exactly one instance of the fleet sweeps it. */
  sweepSlot?: string;
}

export interface StartedRun {
  run: MigrationRunEntity;
  /** Settles when the run ends; it never rejects. */
  finished: Promise<MigrationRunEntity>;
}

export type { DryRunReport, PlannedUserView } from './migration-dry-run.js';

export interface RunProblem {
  userId: string;
  email: string;
  status: string;
  reason: string | null;
  message: string | null;
  clerkUserId: string | null;
}

export interface RunWithProblems {
  run: MigrationRunEntity;
  /** One page of them. */
  problems: RunProblem[];
  /** How many problem users the run has in all. */
  problemTotal: number;
  /** The run's invitations in the outbox, and when the last will be sent; null when it has none. */
  invitations: InvitationQueue | null;
}

/** `stats`: the users' counts, and those not yet on Clerk by the format of their password hash. */
export type MigrationStats = UserStats & { byPasswordFormat: Record<PasswordFormatLabel, number> } & InvitationStats;

/** The one entry point to the migration for the CLI, REST and the scheduler. */
@Injectable()
export class MigrationService {
  constructor(
    private readonly users: UsersService,
    private readonly runs: MigrationRunsRepository,
    private readonly dryRuns: MigrationDryRun,
    private readonly runner: MigrationRunner,
    private readonly turns: LockTurns,
    private readonly audit: AuditService,
    private readonly operations: MigrationOperations,
    private readonly operationRecords: OperationsService,
    private readonly actorEmails: ActorEmails,
    private readonly verifier: MigrationVerifier,
    private readonly invitations: InvitationsService,
    private readonly reports: RunReports,
    private readonly developmentCap: DevelopmentInstanceCap,
    private readonly clerk: ClerkGateway,
    private readonly passwords: PasswordFormats,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
  ) {}

  /** Before any work that needs Clerk: no key is a configuration problem, not a failed run. */
  private requireClerk(): void {
    if (!this.clerk.isConfigured()) throw ClerkGatewayError.notConfigured();
  }

  /** The users' counts alone: one scan with no pattern matching per row, for pages that ask every few seconds. */
  userCounts(): Promise<UserStats> {
    return this.users.stats();
  }

  async stats(): Promise<MigrationStats> {
    const [{ stats, legacyByFormat }, queue] = await Promise.all([
      this.users.statsByPasswordFormat((column) => this.passwords.sql(column)),
      this.invitations.stats(),
    ]);
    return { ...stats, byPasswordFormat: this.passwords.counts(legacyByFormat), ...queue };
  }

  /** Plans every legacy user (or one) with batched Clerk look-ups; writes nothing to Clerk or `users`. */
  async dryRun(request: Omit<MigrateRequest, 'kind'>): Promise<DryRunReport> {
    this.requireClerk();
    const options = this.runOptions(request);
    const source = request.email
      ? this.single(await this.legacyUserByEmail(request.email))
      : this.users.legacyUsersInBatches(this.config.batchSize, legacyFilter(request, options.strategy));
    return this.dryRuns.plan(request.actor, options, source);
  }

  /**
   * Starts a run under the migration lock (409 if another run holds it) and returns at once; the
   * run goes on in the background and `finished` tells when it ends.
   */
  async start(request: MigrateRequest, onProgress?: ProgressListener): Promise<StartedRun> {
    this.requireClerk();
    const options = this.runOptions(request);
    const user = request.email ? await this.legacyUserByEmail(request.email) : undefined;
    // Before the lock: an instance whose sweep slot another has taken leaves at once, taking nobody's turn.
    if (request.kind === 'sweep' && request.sweepSlot && (await this.runs.standingRunExists(sweepKey(request.sweepSlot)))) {
      throw sweepAlreadyDone(request.sweepSlot);
    }
    const kind = request.kind ?? (user ? 'single' : 'all');
    const lock = await this.turns.acquire(`migration run (${kind})`);
    try {
      const filter = legacyFilter(request, options.strategy);
      const total = user ? 1 : Math.min(await this.users.countLegacy(filter), options.limit ?? Number.POSITIVE_INFINITY);
      // Nobody left is not a run: `runs` would fill with empty sweeps, one per tick, and operators' empty runs.
      if (total === 0 && kind !== 'single') throw nobodyLeft(kind);
      // Every user left may need an account.
      const warnings = await this.developmentCap.check(total, true);
      const run = await this.createRun(request, kind, lock, { ...options, ...(warnings.length > 0 && { warnings }) });
      await this.audit.record({ actor: request.actor, action: AuditAction.RunStarted, details: { runId: run.id, kind, ...options } });
      const source = user ? this.single(user) : this.users.legacyUsersInBatches(this.config.batchSize, filter);
      return { run, finished: this.runner.execute(run, lock, source, total, onProgress) };
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Starts and waits: what the CLI and the scheduler want. */
  async migrate(request: MigrateRequest, onProgress?: ProgressListener): Promise<MigrationRunEntity> {
    return (await this.start(request, onProgress)).finished;
  }

  /**
   * Undoes a run (see `RunRollback`) under the migration lock, so it never races a run; recorded as
   * an operation unless it is a preview, and `finished` tells when it ends.
   */
  async startRollback(request: RollbackRequest, onProgress?: OperationProgressListener): Promise<StartedOperation<RollbackReport>> {
    assertConfirmed(request, "Rolling back unlinks the run's users from Clerk", ', or preview it');
    return this.operations.rollback(request, await this.turns.acquire(`rollback of run ${request.runId}`), onProgress);
  }

  /** Starts and waits: what the CLI wants. */
  async rollback(request: RollbackRequest, onProgress?: OperationProgressListener): Promise<RollbackReport> {
    return (await this.startRollback(request, onProgress)).finished;
  }

  /** Removing hashes takes the migration lock too: it must never race a rollback that decides on them. */
  async startCleanup(request: CleanupRequest, onProgress?: OperationProgressListener): Promise<StartedOperation<CleanupReport>> {
    assertConfirmed(request, 'Removing password hashes cannot be undone');
    return this.operations.cleanup(request, request.dryRun ? undefined : await this.turns.acquire('password clean-up'), onProgress);
  }

  async cleanupPasswords(request: CleanupRequest, onProgress?: OperationProgressListener): Promise<CleanupReport> {
    return (await this.startCleanup(request, onProgress)).finished;
  }

  verify(): Promise<VerifyReport> {
    this.requireClerk();
    return this.verifier.verify();
  }

  /** Puts the failed invitations back in the outbox; the service's sender sends them at the pace. */
  async resendInvitations(actor: string): Promise<ResendReport> {
    this.requireClerk();
    const report = await this.invitations.requeueFailed();
    await this.audit.record({ actor, action: AuditAction.InvitationsRequeued, details: { requeued: report.requeued } });
    return report;
  }

  /** The whole outbox and when it will be empty. */
  invitationQueue(): Promise<InvitationQueue> {
    return this.invitations.queue();
  }

  /** A run's invitations in the outbox and when the last will be sent (404 first if there is no such run). */
  async runInvitations(runId: string): Promise<InvitationQueue> {
    await this.getRun(runId);
    return this.invitations.queue(runId);
  }

  async getRun(runId: string): Promise<MigrationRunEntity> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new MigrationError(404, MigrationErrorCode.RunNotFound, `No migration run with id ${runId}`);
    return (await this.forReading([run]))[0];
  }

  /**
   * A run still going keeps no counts of its own until it ends: they come from its items. Whoever
   * started it is shown by email, as of now.
   */
  private async forReading(runs: MigrationRunEntity[]): Promise<MigrationRunEntity[]> {
    const emails = await this.actorEmails.of(runs.map((run) => run.startedBy));
    for (const run of runs) {
      if (run.status === 'running' || run.status === 'open') run.counts = { ...(await this.runs.countItems(run.id)) };
      run.startedByEmail = emails.get(run.startedBy) ?? null;
    }
    return runs;
  }

  /** Users of a run that did not end on Clerk (failed, skipped, or left uncertain), for an operator to look at. */
  async runProblems(runId: string, limit = 100, offset = 0): Promise<RunProblem[]> {
    await this.getRun(runId);
    return (await this.problemsPage(runId, limit, offset)).problems;
  }

  /** A run with a page of its problem users and how many it has in all, the run read once. */
  async runWithProblems(runId: string, limit: number, offset: number): Promise<RunWithProblems> {
    const run = await this.getRun(runId);
    const queue = await this.invitations.queue(runId);
    const invitations = queue.queued + queue.sent + queue.failed + queue.revoked > 0 ? queue : null;
    return { run, ...(await this.problemsPage(runId, limit, offset)), invitations };
  }

  private async problemsPage(runId: string, limit: number, offset: number): Promise<Omit<RunWithProblems, 'run' | 'invitations'>> {
    const page = await this.reports.page(runId, limit, offset, 'problems');
    const problems = page.items.map(({ userId, email, outcome, reason, message, clerkUserId }) => {
      return { userId, email, status: outcome, reason, message, clerkUserId };
    });
    return { problems, problemTotal: page.total };
  }

  /** A page of a run's items, in the order they were planned; `outcome` and `reason` narrow it. */
  async runItems(
    runId: string,
    limit: number,
    offset: number,
    filter: { outcome?: ItemStatus; reason?: string } = {},
  ): Promise<RunItemsPage> {
    await this.getRun(runId);
    return this.reports.page(runId, limit, offset, { statuses: filter.outcome ? [filter.outcome] : undefined, reason: filter.reason });
  }

  /** Every item of a run, streamed (404 first if there is no such run). */
  async streamRunItems(runId: string): Promise<AsyncGenerator<RunItemView>> {
    await this.getRun(runId);
    return this.reports.stream(runId);
  }

  /** Who holds the migration lock now, each as `<activity>, since <UTC time>`; none when it is free. */
  lockHolders(): Promise<string[]> {
    return this.turns.holders();
  }

  /** Where the move stands, for the gauges. */
  async moveState(): Promise<MoveState> {
    const [users, runs, invitations] = await Promise.all([
      this.users.countByState(),
      this.reports.runGaugeState(),
      this.invitations.gauges(),
    ]);
    return { usersOnClerk: users.onClerk, usersLegacy: users.legacy, runsInProgress: runs.inProgress, lastRun: runs.lastRun, invitations };
  }

  /** Runs still going (a run, today's trickle run) are counted from their items, as `getRun` counts them. */
  async listRuns(limit = 20, offset = 0): Promise<[MigrationRunEntity[], number]> {
    const [runs, total] = await this.runs.listRuns(limit, offset);
    return [await this.forReading(runs), total];
  }

  /** Marks runs whose process is gone `interrupted` and releases their unstarted users; needs no lock. */
  async settleAbandonedRuns(): Promise<string[]> {
    const settled = await this.runs.interruptAbandonedRuns();
    // A rollback or clean-up whose instance died reads `interrupted` at once; recorded so here too, for whoever lists them.
    await this.operationRecords.settleAbandoned();
    await this.runs.closeStandingRuns(TRICKLE_RUN_PREFIX, trickleRunKey());
    // Uncertain creates nobody is working on any more (a trickle whose process died, say) are settled
    // against Clerk, under the lock so that no run's recovery does the same at once; if it is taken,
    // that run does it.
    if (!(await this.runs.hasAbandonedUncertainItems())) return settled;
    const lock = await this.turns.tryAcquire('reconciliation of abandoned creates');
    if (lock) {
      try {
        // A holder that lost the lock may still be finishing a page on these very items (a rollback
        // unlinking them): rather than wait for it, this check leaves them to its next turn.
        const busy = await this.turns.othersStillWorking(lock);
        if (busy.length === 0) await this.runner.reconcileUncertain({ runId: '', actor: 'reconciliation' });
      } finally {
        await lock.release();
      }
    }
    return settled;
  }

  /** A sweep's run carries its slot as standing key: a second instance sweeping the same slot is refused here. */
  private async createRun(request: MigrateRequest, kind: RunKind, lock: HeldLock, options: RunOptions): Promise<MigrationRunEntity> {
    const standingKey = kind === 'sweep' && request.sweepSlot ? sweepKey(request.sweepSlot) : undefined;
    const run = {
      kind,
      strategy: options.strategy,
      dryRun: false,
      startedBy: request.actor,
      options: { ...options, email: request.email },
      standingKey,
      leaseHolder: lock.holder,
    };
    return this.runs.createRun(run).catch((error: { code?: string }) => {
      if (standingKey && error.code === '23505') {
        throw sweepAlreadyDone(request.sweepSlot!);
      }
      throw error;
    });
  }

  private runOptions(request: Pick<MigrateRequest, 'strategy' | 'limit'>): RunOptions {
    return {
      strategy: request.strategy ?? this.config.strategy,
      onExisting: this.config.onExisting,
      ...(request.limit ? { limit: request.limit } : {}),
    };
  }

  private async legacyUserByEmail(email: string): Promise<UserEntity> {
    const user = await this.users.findByEmail(email);
    if (!user) throw new MigrationError(404, MigrationErrorCode.UserNotFound, `No user with email ${email}`);
    if (user.clerkUserId) {
      throw new MigrationError(409, MigrationErrorCode.AlreadyOnClerk, `${email} is already linked to Clerk user ${user.clerkUserId}`);
    }
    return user;
  }

  private async *single(user: UserEntity): AsyncGenerator<UserEntity[]> {
    yield [user];
  }
}

function sweepKey(slot: string): string {
  return `sweep:${slot}`;
}

/** Not a failure: REST answers it 200, the CLI exits 0; the scheduler's sweep simply has nothing to do. */
function nobodyLeft(kind: RunKind): MigrationError {
  const code = kind === 'sweep' ? MigrationErrorCode.NothingToSweep : MigrationErrorCode.NothingToMigrate;
  return new MigrationError(409, code, 'Nobody is left to migrate: everyone is on Clerk or already reported; no run was recorded');
}

function sweepAlreadyDone(slot: string): MigrationError {
  return new MigrationError(409, MigrationErrorCode.SweepAlreadyDone, `Another instance has already swept ${slot}`);
}

/**
 * A bulk run leaves out users already reported invalid whose row has not changed (unless asked to
 * retry them); the unattended sweep also leaves out users an operator rolled back.
 */
function legacyFilter(request: Pick<MigrateRequest, 'retryInvalid' | 'kind'>, strategy: MigrationStrategy): LegacyFilter {
  return { skipUnchangedInvalidFor: request.retryInvalid ? undefined : strategy, skipRolledBack: request.kind === 'sweep' };
}
