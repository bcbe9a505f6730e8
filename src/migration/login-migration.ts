import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Semaphore } from '../common/semaphore.js';
import { migrationConfig, type MigrationConfig } from '../config/migration.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { UserEntity } from '../users/user.entity.js';
import type { ItemStatus } from './migration-item.entity.js';
import { MigrationPlanner } from './migration-planner.js';
import type { MigrationRunEntity } from './migration-run.entity.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { profileOf, UserMigrator, type RunContext, type WorkItem } from './user-migrator.js';
import { UsersService } from '../users/users.service.js';

/** Trickle migrations one instance works on at once; the shared Clerk budget sets the pace anyway. */
const TRICKLE_CONCURRENCY = 8;
export const TRICKLE_RUN_PREFIX = 'login:';

/** The standing key of the day's trickle run (UTC days, the same on every instance). */
export function trickleRunKey(at = new Date()): string {
  return `${TRICKLE_RUN_PREFIX}${at.toISOString().slice(0, 10)}`;
}

/**
 * Trickle migration (`MIGRATION_ON_LOGIN`): a person who just proved their password is moved to
 * Clerk right after the answer has gone, on whichever instance they logged in.
 *
 * A light path for one person: no run-wide lock, recovery or dependent-row counts. The person is
 * claimed by inserting their item (one live item per person, enforced by a unique index), so a
 * bulk run, the sweep and other instances never work on them at the same time, and operators'
 * runs are never refused or delayed by a wave of logins. Items go into one standing run per day
 * (`login:<date>`, status `open`), which `runs`, `verify` and rollback see like any other.
 *
 * The account is created first and looked up only when Clerk says the email is taken: one request
 * per person instead of three, which is what a wave of logins spends its budget on.
 */
@Injectable()
export class LoginMigration implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LoginMigration.name);
  private readonly slots = new Semaphore(TRICKLE_CONCURRENCY);
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private standing?: { key: string; run: Promise<MigrationRunEntity> };

  constructor(
    private readonly planner: MigrationPlanner,
    private readonly migrator: UserMigrator,
    private readonly runs: MigrationRunsRepository,
    private readonly users: UsersService,
    private readonly metrics: MetricsService,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
  ) {}

  /** Settles when the person is on Clerk, left to a bulk run, or failed (recorded on their item); never rejects. */
  migrateAfterLogin(user: UserEntity): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const task = this.slots
      .run(() => (this.stopping ? Promise.resolve() : this.moveOne(user.userId)))
      .catch((error: unknown) => {
        this.logger.warn(`trickle migration of user ${user.userId} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    return task;
  }

  /** On SIGTERM: take no more logins, let the ones in flight finish (their items are recorded). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.settled();
  }

  /** Resolves once every trickle migration started so far has ended. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async moveOne(userId: string): Promise<void> {
    // One an operator rolled back is left out: only an explicit run moves them again.
    const user = await this.users.findLegacyUser(userId, { skipRolledBack: true });
    if (!user) return;
    const options = { strategy: this.config.strategy, onExisting: this.config.onExisting };
    const [plan] = await this.planner.planWithoutLookups([user], options);
    // Invalid users are reported by the bulk runs; a trickle adds nothing to that.
    if (plan.action === 'invalid' || plan.action === 'skip') return;
    const run = await this.standingRun();
    const itemId = (await this.runs.insertItems(run.id, [plan], 'pending')).get(userId);
    if (!itemId) return; // claimed meanwhile by a run or another instance: theirs to finish
    const context: RunContext = { runId: run.id, actor: userId, invitationRedirectUrl: this.config.invitationRedirectUrl };
    const item: WorkItem = { ...plan, itemId, ...profileOf(user) };
    const status = await this.migrator
      .execute(context, item, { onEmailTaken: () => this.replan(context, item, user, options) })
      .catch(async (error: unknown) => {
        // Clerk said the email is taken (nothing of ours was created), then the look-up failed:
        // release the claim with the reason, so that the person's next login or run tries again.
        await this.runs.updateItem(itemId, {
          status: 'failed',
          errorCode: 'trickle_failed',
          errorMessage: String((error as Error)?.message ?? error),
        });
        throw error;
      });
    this.metrics.migrationOutcome(status);
    this.logger.log(`trickle migration of user ${userId}: ${status}`);
  }

  /** Clerk has an account with this email: plan the person as a run would (link, skip) and carry it out. */
  private async replan(
    context: RunContext,
    item: WorkItem,
    user: UserEntity,
    options: Parameters<MigrationPlanner['plan']>[1],
  ): Promise<ItemStatus> {
    const [plan] = await this.planner.plan([user], options);
    await this.runs.updateItem(item.itemId, { action: plan.action, reason: plan.reason, clerkUserId: plan.clerkUserId ?? null });
    return this.migrator.execute(context, { ...plan, itemId: item.itemId, ...profileOf(user) });
  }

  /**
   * Today's standing run, opened by whichever instance needs it first. Past days' runs are closed in
   * one place, `MigrationService.settleAbandonedRuns`, which every instance calls every 30 seconds.
   */
  private standingRun(): Promise<MigrationRunEntity> {
    const key = trickleRunKey();
    if (this.standing?.key !== key) {
      const run = this.runs.openStandingRun({
        kind: 'login',
        strategy: this.config.strategy,
        dryRun: false,
        startedBy: 'login',
        options: {},
        standingKey: key,
      });
      this.standing = { key, run };
      void run.catch(() => {
        if (this.standing?.run === run) this.standing = undefined;
      });
    }
    return this.standing.run;
  }
}
