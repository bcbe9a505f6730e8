import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { UsersRepository } from '../users/users.repository.js';
import type { MigrationItemEntity } from './migration-item.entity.js';
import type { HeldLock } from './migration-lock.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';

export interface RollbackRequest {
  runId: string;
  actor: string;
  /** Also delete from Clerk the accounts this run created (never ones that existed before). */
  deleteClerkUsers: boolean;
  dryRun: boolean;
}

export interface RollbackReport {
  runId: string;
  dryRun: boolean;
  unlinked: number;
  deletedFromClerk: number;
  /** Linked users left alone because their link changed since the run (they now point elsewhere). */
  leftAlone: number;
  /** Deletions Clerk refused or could not do; re-run the rollback to retry them. */
  failed: { userId: string; clerkUserId: string | null; error: string }[];
}

/**
 * Undoes a run: the links it wrote are cleared and, on request, the Clerk accounts it created are
 * deleted. Idempotent: items already rolled back are not touched again, so a rollback that
 * stopped half-way is finished by running it again.
 */
@Injectable()
export class RunRollback {
  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersRepository,
    private readonly runs: MigrationRunsRepository,
    private readonly audit: AuditService,
  ) {}

  async rollback(request: RollbackRequest, lock: HeldLock): Promise<RollbackReport> {
    try {
      const run = await this.runs.findRun(request.runId);
      if (!run) throw new MigrationError(404, MigrationErrorCode.RunNotFound, `No migration run with id ${request.runId}`);
      if (run.dryRun) throw new MigrationError(400, MigrationErrorCode.NotRollbackable, 'A dry run changed nothing; there is nothing to roll back');
      const uncertain = (await this.runs.countItems(run.id)).creating ?? 0;
      if (uncertain > 0) {
        // Their Clerk accounts may exist without a link yet; rolling back now would miss them.
        throw new MigrationError(409, MigrationErrorCode.NotRollbackable, `${uncertain} user(s) of this run have an uncertain Clerk outcome; run migrate (it settles them first), then roll back`);
      }
      const report: RollbackReport = { runId: run.id, dryRun: request.dryRun, unlinked: 0, deletedFromClerk: 0, leftAlone: 0, failed: [] };
      let afterId = '0';
      for (;;) {
        const items = await this.runs.findLinkedItems(run.id, afterId, 100);
        if (items.length === 0) break;
        for (const item of items) await this.rollbackItem(item, request, report);
        afterId = items[items.length - 1].id;
      }
      if (!request.dryRun) await this.recordEnd(request, report);
      return report;
    } finally {
      await lock.release();
    }
  }

  private async rollbackItem(item: MigrationItemEntity, request: RollbackRequest, report: RollbackReport): Promise<void> {
    const current = (await this.users.findById(item.userId))?.clerkUserId;
    const stillOurs = current === item.clerkUserId;
    const deleting = request.deleteClerkUsers && item.createdInClerk && !item.clerkDeletedAt;
    if (request.dryRun) {
      if (stillOurs) report.unlinked += 1;
      else report.leftAlone += 1;
      if (deleting) report.deletedFromClerk += 1;
      return;
    }
    if (deleting && !(await this.deleteFromClerk(item, report))) return;
    await this.runs.transaction(async (manager) => {
      const unlinked = await this.users.unlinkClerkUser(item.userId, item.clerkUserId!, manager);
      await this.runs.updateItem(item.id, { status: 'rolled_back', rolledBackAt: new Date() }, manager);
      await this.audit.record(
        { userId: item.userId, actor: request.actor, action: AuditAction.UserRolledBack, details: { runId: item.runId, clerkUserId: item.clerkUserId, unlinked, deletedFromClerk: deleting } },
        manager,
      );
      if (unlinked) report.unlinked += 1;
      else report.leftAlone += 1;
    });
  }

  /** Deletes first and unlinks after: a crash in between leaves a retryable item, never an unlinked orphan unnoticed. */
  private async deleteFromClerk(item: MigrationItemEntity, report: RollbackReport): Promise<boolean> {
    try {
      await this.clerk.deleteUser(item.clerkUserId!);
      await this.runs.updateItem(item.id, { clerkDeletedAt: new Date() });
      report.deletedFromClerk += 1;
      return true;
    } catch (error) {
      if (!(error instanceof ClerkGatewayError)) throw error;
      report.failed.push({ userId: item.userId, clerkUserId: item.clerkUserId, error: error.message });
      return false;
    }
  }

  private async recordEnd(request: RollbackRequest, report: RollbackReport): Promise<void> {
    const remaining = await this.runs.countItems(request.runId);
    if ((remaining.created ?? 0) + (remaining.linked ?? 0) === 0) await this.runs.updateRun(request.runId, { status: 'rolled_back' });
    await this.audit.record({
      actor: request.actor,
      action: AuditAction.RunRolledBack,
      details: { runId: request.runId, deleteClerkUsers: request.deleteClerkUsers, unlinked: report.unlinked, deletedFromClerk: report.deletedFromClerk, failed: report.failed.length },
    });
  }
}
