import { Inject, Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { migrationConfig, type MigrationConfig, type MigrationStrategy } from '../config/migration.config.js';
import { passwordFormatCounts, passwordFormatLabel, type PasswordFormatLabel } from '../passwords/password-formats.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository, type UserStats } from '../users/users.repository.js';
import { DevelopmentInstanceCap, type MigrationWarning } from './development-instance-cap.js';
import { MigrationLock, type HeldLock } from './migration-lock.js';
import { MigrationPlanner } from './migration-planner.js';
import type { PlannedUser } from './migration-plan.js';
import type { MigrationRunEntity, RunKind } from './migration-run.entity.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationRunner, type ProgressListener, type RunOptions } from './migration-runner.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { InvitationResender, type ResendReport } from './invitation-resender.js';
import { MigrationVerifier, type VerifyReport } from './migration-verifier.js';
import { PasswordCleanup, type CleanupReport, type CleanupRequest } from './password-cleanup.js';
import { RunRollback, type RollbackReport, type RollbackRequest } from './run-rollback.js';

export interface MigrateRequest {
  actor: string;
  strategy?: MigrationStrategy;
  /** One user, by email (case-insensitive). */
  email?: string;
  limit?: number;
  kind?: Extract<RunKind, 'all' | 'sweep' | 'login'>;
}

export interface StartedRun {
  run: MigrationRunEntity;
  /** Settles when the run ends; it never rejects. */
  finished: Promise<MigrationRunEntity>;
}

/** A planned user as reported: the digest to import stays inside the process. */
export type PlannedUserView = Omit<PlannedUser, 'passwordDigest'>;

export interface DryRunReport {
  runId: string;
  total: number;
  byAction: Record<string, number>;
  /** The planned users by the format of their password hash (`none`, `bcrypt`, …, `unsupported`). */
  byPasswordFormat: Record<PasswordFormatLabel, number>;
  /** E.g. a plan that does not fit in a development instance. */
  warnings: MigrationWarning[];
  /** The plan per user, up to `PLAN_SAMPLE` entries (the run's items hold all of it). */
  users: PlannedUserView[];
  truncated: boolean;
}

export interface RunProblem {
  userId: string;
  email: string;
  status: string;
  reason: string | null;
  message: string | null;
  clerkUserId: string | null;
}

/** `stats`: the users' counts, and those not yet on Clerk by the format of their password hash. */
export type MigrationStats = UserStats & { byPasswordFormat: Record<PasswordFormatLabel, number> };

const PLAN_SAMPLE = 1000;

/** The one entry point to the migration for the CLI, REST and the scheduler. */
@Injectable()
export class MigrationService {
  constructor(
    private readonly users: UsersRepository,
    private readonly runs: MigrationRunsRepository,
    private readonly planner: MigrationPlanner,
    private readonly runner: MigrationRunner,
    private readonly lock: MigrationLock,
    private readonly audit: AuditService,
    private readonly rollbacks: RunRollback,
    private readonly cleanup: PasswordCleanup,
    private readonly verifier: MigrationVerifier,
    private readonly resender: InvitationResender,
    private readonly developmentCap: DevelopmentInstanceCap,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
  ) {}

  async stats(): Promise<MigrationStats> {
    const [stats, byFormat] = await Promise.all([this.users.stats(), this.users.countLegacyByPasswordFormat()]);
    return { ...stats, byPasswordFormat: passwordFormatCounts(byFormat) };
  }

  /** Plans every legacy user (or one) with batched Clerk look-ups; writes nothing to Clerk or `users`. */
  async dryRun(request: Omit<MigrateRequest, 'kind'>): Promise<DryRunReport> {
    const options = this.runOptions(request);
    const source = request.email ? this.single(await this.legacyUserByEmail(request.email)) : this.users.legacyUsersInBatches(this.config.batchSize);
    const run = await this.runs.createRun({ kind: 'dry_run', strategy: options.strategy, dryRun: true, startedBy: request.actor, options: { ...options } });
    const sample: PlannedUserView[] = [];
    const byPasswordFormat = passwordFormatCounts();
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    for await (const users of source) {
      if (remaining <= 0) break;
      const batch = users.slice(0, remaining);
      for (const user of batch) byPasswordFormat[passwordFormatLabel(user.passwordHash)] += 1;
      const planned = await this.planner.plan(batch, options);
      remaining -= planned.length;
      await this.runs.insertItems(run.id, planned, 'planned');
      sample.push(...planned.slice(0, PLAN_SAMPLE - sample.length).map(({ passwordDigest: _digest, ...view }) => view));
    }
    const finished = await this.runs.finishRun(run.id, 'completed');
    const byAction = await this.runs.countPlannedActions(run.id);
    // Invited users get an account too (created, then invited).
    const warnings = await this.developmentCap.check((byAction.create ?? 0) + (byAction.invite ?? 0));
    return { runId: run.id, total: finished.counts.total, byAction, byPasswordFormat, warnings, users: sample, truncated: finished.counts.total > sample.length };
  }

  /**
   * Starts a run under the migration lock (409 if another run holds it) and returns at once; the
   * run goes on in the background and `finished` tells when it ends.
   */
  async start(request: MigrateRequest, onProgress?: ProgressListener): Promise<StartedRun> {
    const options = this.runOptions(request);
    const user = request.email ? await this.legacyUserByEmail(request.email) : undefined;
    const lock = await this.acquireLock();
    try {
      const kind = request.kind ?? (user ? 'single' : 'all');
      const total = user ? 1 : Math.min(await this.users.countLegacy(), options.limit ?? Number.POSITIVE_INFINITY);
      // Every user left may need an account; a login's own migration is one person and checks nothing.
      const warnings = kind === 'login' ? [] : await this.developmentCap.check(total, true);
      const runOptions = { ...options, email: request.email, ...(warnings.length > 0 && { warnings }) };
      const run = await this.runs.createRun({ kind, strategy: options.strategy, dryRun: false, startedBy: request.actor, options: runOptions });
      await this.audit.record({ actor: request.actor, action: AuditAction.RunStarted, details: { runId: run.id, kind, ...options } });
      const source = user ? this.single(user) : this.users.legacyUsersInBatches(this.config.batchSize);
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

  /** Undoes a run; see `RunRollback`. Takes the migration lock, so it never races a run. */
  async rollback(request: RollbackRequest): Promise<RollbackReport> {
    return this.rollbacks.rollback(request, await this.acquireLock());
  }

  cleanupPasswords(request: CleanupRequest): Promise<CleanupReport> {
    return this.cleanup.run(request);
  }

  verify(): Promise<VerifyReport> {
    return this.verifier.verify();
  }

  async resendInvitations(actor: string): Promise<ResendReport> {
    return this.resender.resend(actor, await this.acquireLock());
  }

  async getRun(runId: string): Promise<MigrationRunEntity> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new MigrationError(404, MigrationErrorCode.RunNotFound, `No migration run with id ${runId}`);
    if (run.status === 'running') run.counts = { ...(await this.runs.countItems(run.id)) };
    return run;
  }

  /** Users of a run that did not end on Clerk (failed, skipped, or left uncertain), for an operator to look at. */
  async runProblems(runId: string, limit = 100): Promise<RunProblem[]> {
    await this.getRun(runId);
    const items = await this.runs.findItems(runId, ['failed', 'skipped', 'creating'], limit);
    return items.map((item) => ({
      userId: item.userId,
      email: item.email,
      status: item.status,
      reason: item.errorCode ?? item.reason,
      message: item.errorMessage,
      clerkUserId: item.clerkUserId,
    }));
  }

  listRuns(limit = 20, offset = 0): Promise<[MigrationRunEntity[], number]> {
    return this.runs.listRuns(limit, offset);
  }

  async acquireLock(): Promise<HeldLock> {
    const lock = await this.lock.tryAcquire();
    if (!lock) throw new MigrationError(409, MigrationErrorCode.RunInProgress, 'Another migration run or rollback is in progress; wait for it to finish');
    return lock;
  }

  private runOptions(request: Pick<MigrateRequest, 'strategy' | 'limit'>): RunOptions {
    return { strategy: request.strategy ?? this.config.strategy, onExisting: this.config.onExisting, ...(request.limit ? { limit: request.limit } : {}) };
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
