import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway, type ClerkUser } from '../clerk/clerk.gateway.js';
import { ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { UsersService } from '../users/users.service.js';
import { ClerkUserSync, type Applied } from './clerk-user-sync.js';
import { ExternalIdUpdates } from './external-id-updates.js';
import { SyncError, SyncErrorCode } from './sync.error.js';
import { SyncLock } from './sync-lock.js';
import { SyncStateRepository, type DeletedAtClerkRow } from './sync-state.repository.js';

/** What one pass found and did (with `dryRun`, would do). The keys are an interface: scripts read them. */
export interface SyncReport {
  /** Clerk accounts seen. */
  clerkUsers: number;
  provisioned: number;
  linked: number;
  updated: number;
  /** Linked rows whose account is gone at Clerk (each confirmed by a look-up), now marked deleted at Clerk. */
  deletedAtClerk: number;
  /** Emails another row holds: recorded, left for a person to settle. */
  conflicts: number;
  /** Clerk accounts that needed nothing (or that nobody here may take: the migrator's own, rolled back). */
  unchanged: number;
}

export interface SyncRequest {
  actor: string;
  dryRun?: boolean;
}

/** Plans that write nothing when applied. */
const NOTHING_TO_WRITE = new Set<Applied['outcome']>(['unchanged', 'stale', 'ignored']);

/** Clerk's largest page of users. */
const PAGE = 500;
/** Linked rows read per page when looking for accounts gone at Clerk. */
const LINKED_PAGE = 1000;

/**
 * Reconciliation: brings `users` in step with Clerk for whatever webhooks missed. Pages through
 * every Clerk account (within the shared budget), applies each as a `user.updated` would (so the
 * missing are provisioned or linked, and drift is followed), confirms with a look-up each linked
 * row whose account was not seen, and retries owed `external_id` updates. One at a time per fleet.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly sync: ClerkUserSync,
    private readonly state: SyncStateRepository,
    private readonly externalIds: ExternalIdUpdates,
    private readonly lock: SyncLock,
    private readonly audit: AuditService,
  ) {}

  async run(request: SyncRequest): Promise<SyncReport> {
    if (!this.clerk.isConfigured()) throw ClerkGatewayError.notConfigured();
    const report = await this.lock.withLock(() => this.pass(Boolean(request.dryRun)));
    if (!report) throw new SyncError(409, SyncErrorCode.SyncInProgress, 'Another sync is in progress; try again when it ends');
    if (!request.dryRun) await this.audit.record({ actor: request.actor, action: AuditAction.SyncRun, details: { ...report } });
    return report;
  }

  /** The pass after the nightly sweep; a sync already running is enough. */
  async afterSweep(): Promise<void> {
    try {
      const report = await this.run({ actor: 'scheduler' });
      this.logger.log(`sync after the sweep: ${JSON.stringify(report)}`);
    } catch (error) {
      if (error instanceof SyncError && error.code === SyncErrorCode.SyncInProgress) return;
      this.logger.error(`sync after the sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  listDeletedAtClerk(page: { limit: number; offset: number }): Promise<{ total: number; items: DeletedAtClerkRow[] }> {
    return this.state.listDeletedAtClerk(page);
  }

  private async pass(dryRun: boolean): Promise<SyncReport> {
    const report: SyncReport = { clerkUsers: 0, provisioned: 0, linked: 0, updated: 0, deletedAtClerk: 0, conflicts: 0, unchanged: 0 };
    const seen = new Set<string>();
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.clerk.listUsers({ offset, limit: PAGE });
      for (const user of page) {
        if (seen.has(user.id)) continue;
        seen.add(user.id);
        report.clerkUsers += 1;
        count(report, await this.applyOne(user, dryRun));
      }
      if (page.length < PAGE) break;
    }
    await this.findGone(seen, dryRun, report);
    if (!dryRun) await this.externalIds.retryDue();
    return report;
  }

  /** Read first: most accounts need nothing, and then nothing is written (not even their version). */
  private async applyOne(user: ClerkUser, dryRun: boolean): Promise<Applied> {
    const plan = await this.sync.planUser(user);
    if (dryRun || NOTHING_TO_WRITE.has(plan.outcome)) return plan;
    return this.sync.applyUserNow(user, 'sync');
  }

  /** Linked rows whose account was not in the listing: gone only if a look-up says so (it may be newer than the walk). */
  private async findGone(seen: Set<string>, dryRun: boolean, report: SyncReport): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const rows = await this.users.linkedUsersAfter(after, LINKED_PAGE);
      for (const row of rows) {
        const clerkUserId = row.clerkUserId!;
        if (seen.has(clerkUserId) || (await this.clerk.getUser(clerkUserId)) !== null) continue;
        const applied = dryRun
          ? await this.sync.planDeletion(clerkUserId)
          : await this.sync.applyDeletionNow(clerkUserId, Date.now(), 'sync');
        if (applied.outcome === 'deleted_at_clerk') report.deletedAtClerk += 1;
      }
      if (rows.length < LINKED_PAGE) return;
      after = rows[rows.length - 1].userId;
    }
  }
}

function count(report: SyncReport, applied: Applied): void {
  switch (applied.outcome) {
    case 'provisioned':
      report.provisioned += 1;
      return;
    case 'linked':
      report.linked += 1;
      return;
    case 'updated':
      report.updated += 1;
      return;
    case 'updated_with_conflict':
      report.updated += 1;
      report.conflicts += 1;
      return;
    case 'conflict':
      report.conflicts += 1;
      return;
    default:
      report.unchanged += 1;
  }
}
