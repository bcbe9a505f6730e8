import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import type { MigrationItemEntity } from './migration-item.entity.js';
import type { HeldLock } from '../locks/migration-lock.js';
import type { MigrationRunEntity } from './migration-run.entity.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { assertLockHeld, MigrationError, MigrationErrorCode } from './migration.error.js';
import { decideRollback, isUnmarkedCreation, type RollbackDecision } from './rollback-decision.js';
import { RollbackSubjects, type PendingUndo } from './rollback-subjects.js';
import { UsersService } from '../users/users.service.js';

export interface RollbackRequest {
  runId: string;
  actor: string;
  /** Also delete from Clerk the accounts this run created, as proved by their marker (never others). */
  deleteClerkUsers: boolean;
  dryRun: boolean;
  /** The operator's explicit yes (`--yes`, `"confirm": true`); not needed for a dry run. */
  confirm: boolean;
}

export interface RollbackReport {
  runId: string;
  dryRun: boolean;
  unlinked: number;
  deletedFromClerk: number;
  /** Linked users left alone because their link changed since the run (they now point elsewhere). */
  leftAlone: number;
  /** The run's people still on its accounts who have signed in through Clerk since it started. */
  signedInSince: number;
  /** Accounts and links kept because their owner has no password hash left: removing them would lock the person out. */
  keptWithoutPassword: number;
  /** Invitations of the run sent and revoked at Clerk (in a dry run: sent, to be revoked if still pending). */
  invitationsRevoked: number;
  /** Invitations of the run still queued in the outbox, removed before anyone was emailed. */
  invitationsRemovedFromQueue: number;
  /** Accounts the run's records call created that carry no marker of this run: never deleted. */
  notDeletedUnmarked: number;
  /** The people kept, up to `KEPT_SAMPLE` (the audit log has every one). */
  kept: { userId: string; email: string; clerkUserId: string }[];
  /** Clerk calls that failed; re-run the rollback to retry them. */
  failed: { userId: string; email: string; clerkUserId: string | null; error: string }[];
}

type Undo = Omit<Extract<RollbackDecision, { kind: 'undo' }>, 'kind'>;

const PAGE = 100;
const KEPT_SAMPLE = 1000;

/**
 * Undoes a run: the links it wrote are cleared, its pending invitations revoked and, on request,
 * the Clerk accounts it made deleted; never in a way that leaves a person with no way in.
 * Idempotent: a rollback that stopped half-way is finished by running it again.
 */
@Injectable()
export class RunRollback {
  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly runs: MigrationRunsRepository,
    private readonly subjects: RollbackSubjects,
    private readonly audit: AuditService,
    private readonly invitations: InvitationsService,
  ) {}

  /**
   * Undoes `run` (as `rollbackableRun` found it) page by page under `lock`, which the caller
   * releases; `onPage` hears after each page how many of the run's items are done.
   */
  async rollback(
    run: MigrationRunEntity,
    request: RollbackRequest,
    lock: HeldLock,
    onPage: (done: number) => Promise<void> = async () => undefined,
  ): Promise<RollbackReport> {
    const report: RollbackReport = {
      runId: run.id,
      dryRun: request.dryRun,
      unlinked: 0,
      deletedFromClerk: 0,
      leftAlone: 0,
      signedInSince: 0,
      keptWithoutPassword: 0,
      invitationsRevoked: 0,
      invitationsRemovedFromQueue: 0,
      notDeletedUnmarked: 0,
      kept: [],
      failed: [],
    };
    let done = 0;
    const pageDone = (items: number) => onPage((done += items));
    await this.eachPage(
      (afterId) => (assertLockHeld(lock), this.runs.findLinkedItems(run.id, afterId, PAGE)),
      (items) => this.subjects.linked(run, items, request.deleteClerkUsers),
      request,
      report,
      pageDone,
    );
    await this.eachPage(
      (afterId) => (assertLockHeld(lock), this.runs.findUnsettledCreates(run.id, afterId, PAGE)),
      (items) => this.subjects.unsettled(run, items),
      request,
      report,
      pageDone,
    );
    if (!request.dryRun) await this.recordEnd(request, report);
    return report;
  }

  /** How many items `rollback` goes through, for its progress. */
  countItems(runId: string): Promise<number> {
    return this.runs.countRollbackItems(runId);
  }

  /** The run to undo, or why it cannot be: checked before any work starts (and before REST answers 202). */
  async rollbackableRun(runId: string): Promise<MigrationRunEntity> {
    const run = await this.runs.findRun(runId);
    if (!run) throw new MigrationError(404, MigrationErrorCode.RunNotFound, `No migration run with id ${runId}`);
    if (run.dryRun) {
      throw new MigrationError(400, MigrationErrorCode.NotRollbackable, 'A dry run changed nothing; there is nothing to roll back');
    }
    if (run.status === 'open') {
      // Today's trickle run still takes logins on every instance: what it gains after the scan would stay.
      const message = "This standing trickle run is still open (it takes the day's logins); roll it back once the next day has closed it";
      throw new MigrationError(409, MigrationErrorCode.NotRollbackable, message);
    }
    const uncertain = (await this.runs.countItems(run.id)).creating ?? 0;
    if (uncertain > 0) {
      // Their Clerk accounts may exist without a link yet; rolling back now would miss them.
      const message = `${uncertain} user(s) of this run have an uncertain Clerk outcome; run migrate (it settles them), then roll back`;
      throw new MigrationError(409, MigrationErrorCode.NotRollbackable, message);
    }
    return run;
  }

  private async eachPage(
    page: (afterId: string) => Promise<MigrationItemEntity[]>,
    weigh: (items: MigrationItemEntity[]) => Promise<PendingUndo[]>,
    request: RollbackRequest,
    report: RollbackReport,
    pageDone: (items: number) => Promise<void>,
  ): Promise<void> {
    for (let afterId = '0'; ;) {
      const items = await page(afterId);
      if (items.length === 0) return;
      for (const subject of await weigh(items)) await this.rollbackOne(subject, request, report);
      await pageDone(items.length);
      afterId = items[items.length - 1].id;
    }
  }

  private async rollbackOne(subject: PendingUndo, request: RollbackRequest, report: RollbackReport): Promise<void> {
    const decision = decideRollback(subject, request.deleteClerkUsers);
    if (subject.currentLink === subject.clerkUserId && subject.signedInSince) report.signedInSince += 1;
    if (isUnmarkedCreation(subject, request.deleteClerkUsers)) report.notDeletedUnmarked += 1;
    if (decision.kind === 'kept') return this.keep(subject, request, report);
    // A create found by its marker that nobody linked and that stays: nothing of the run's to undo.
    if (decision.kind === 'left_alone' && subject.source !== 'linked') return;
    const undo: Undo = decision.kind === 'undo' ? decision : { unlink: false, deleteAccount: false, revokeInvitation: false };
    if (request.dryRun) return this.countUndo(subject, undo, report);
    if (undo.revokeInvitation && !(await this.revokeInvitation(subject, report))) return;
    if (undo.deleteAccount && !(await this.deleteFromClerk(subject, report))) return;
    const unlinked = await this.settle(subject, request, undo);
    if (unlinked) report.unlinked += 1;
    else if (subject.source === 'linked') report.leftAlone += 1;
  }

  private countUndo(subject: PendingUndo, decision: Undo, report: RollbackReport): void {
    if (decision.unlink) report.unlinked += 1;
    else if (subject.source === 'linked') report.leftAlone += 1;
    if (decision.deleteAccount) report.deletedFromClerk += 1;
    if (decision.revokeInvitation) report[subject.invitationQueued ? 'invitationsRemovedFromQueue' : 'invitationsRevoked'] += 1;
  }

  private async keep(subject: PendingUndo, request: RollbackRequest, report: RollbackReport): Promise<void> {
    report.keptWithoutPassword += 1;
    if (report.kept.length < KEPT_SAMPLE)
      report.kept.push({ userId: subject.item.userId, email: subject.item.email, clerkUserId: subject.clerkUserId });
    if (request.dryRun) return;
    await this.audit.record({
      userId: subject.item.userId,
      actor: request.actor,
      action: AuditAction.UserKeptOnRollback,
      details: { runId: request.runId, clerkUserId: subject.clerkUserId, reason: 'no_password' },
    });
  }

  /** The link cleared (compare-and-set), every item claiming it marked rolled back, and the audit row: one transaction. */
  private async settle(subject: PendingUndo, request: RollbackRequest, decision: Undo): Promise<boolean> {
    const { item, clerkUserId } = subject;
    return this.runs.transaction(async (manager) => {
      const unlinked = decision.unlink && (await this.users.unlinkClerkUser(item.userId, clerkUserId, manager));
      if (unlinked) await this.runs.markLinkRolledBack(item.userId, clerkUserId, manager);
      await this.runs.updateItem(
        item.id,
        { status: 'rolled_back', rolledBackAt: new Date(), clerkUserId, createdInClerk: item.createdInClerk || subject.ownedByRun },
        manager,
      );
      await this.audit.record(
        {
          userId: item.userId,
          actor: request.actor,
          action: AuditAction.UserRolledBack,
          details: {
            runId: request.runId,
            clerkUserId,
            unlinked,
            deletedFromClerk: decision.deleteAccount,
            invitationRevoked: decision.revokeInvitation,
          },
        },
        manager,
      );
      return unlinked;
    });
  }

  /**
   * Revoked (or taken out of the queue) first: a person whose account goes away must not be able to
   * come back through the link.
   */
  private async revokeInvitation(subject: PendingUndo, report: RollbackReport): Promise<boolean> {
    try {
      const done = await this.invitations.withdraw(subject.item.userId);
      if (done === 'revoked') report.invitationsRevoked += 1;
      if (done === 'removed_from_queue') report.invitationsRemovedFromQueue += 1;
      await this.runs.updateItem(subject.item.id, { invitationStatus: 'revoked' });
      return true;
    } catch (error) {
      if (!(error instanceof ClerkGatewayError)) throw error;
      const failure = `invitation not revoked: ${error.message}`;
      report.failed.push({ userId: subject.item.userId, email: subject.item.email, clerkUserId: subject.clerkUserId, error: failure });
      return false;
    }
  }

  /** Deletes first and unlinks after: a crash in between leaves a retryable item, never an unlinked orphan unnoticed. */
  private async deleteFromClerk(subject: PendingUndo, report: RollbackReport): Promise<boolean> {
    try {
      await this.clerk.deleteUser(subject.clerkUserId);
      await this.runs.updateItem(subject.item.id, { clerkDeletedAt: new Date() });
      report.deletedFromClerk += 1;
      return true;
    } catch (error) {
      if (!(error instanceof ClerkGatewayError)) throw error;
      report.failed.push({
        userId: subject.item.userId,
        email: subject.item.email,
        clerkUserId: subject.clerkUserId,
        error: error.message,
      });
      return false;
    }
  }

  private async recordEnd(request: RollbackRequest, report: RollbackReport): Promise<void> {
    const remaining = await this.runs.countItems(request.runId);
    if ((remaining.created ?? 0) + (remaining.linked ?? 0) === 0) await this.runs.updateRun(request.runId, { status: 'rolled_back' });
    const { kept: _kept, failed, ...counts } = report;
    await this.audit.record({
      actor: request.actor,
      action: AuditAction.RunRolledBack,
      details: { ...counts, deleteClerkUsers: request.deleteClerkUsers, failed: failed.length },
    });
  }
}
