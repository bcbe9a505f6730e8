import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { ClerkErrorKind, ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { splitName } from '../clerk/name-splitter.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import type { UserEntity } from '../users/user.entity.js';
import type { ItemStatus, MigrationItemEntity } from './migration-item.entity.js';
import type { PlannedUser } from './migration-plan.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { MIGRATED_BY, ownershipMarker } from './ownership-marker.js';
import { UsersService } from '../users/users.service.js';

export interface WorkItem extends PlannedUser {
  itemId: string;
  name: string;
  /** `users.role`, kept in Clerk as `public_metadata.role` so the front end reads it from the session. */
  role: string;
  /** `users.created_at`, kept as Clerk's `created_at`. */
  createdAt: Date;
}

/** What a work item carries of its user besides the plan. */
export function profileOf(user: Pick<UserEntity, 'name' | 'role' | 'createdAt'>): Pick<WorkItem, 'name' | 'role' | 'createdAt'> {
  return { name: user.name, role: user.role, createdAt: user.createdAt };
}

export interface ExecuteOptions {
  /**
   * Called instead of recording a skip when a create meets an existing account with the email (the
   * trickle path creates without looking up first); settles the item its own way.
   */
  onEmailTaken?: () => Promise<ItemStatus>;
}

export interface RunContext {
  runId: string;
  actor: string;
  invitationRedirectUrl?: string;
}

const UNIQUE_VIOLATION = '23505';

const AUDIT_BY_STATUS: Partial<Record<ItemStatus, AuditAction>> = {
  created: AuditAction.UserCreated,
  linked: AuditAction.UserLinked,
  skipped: AuditAction.UserSkipped,
  failed: AuditAction.UserFailed,
};

/**
 * Carries out the plan for one user. Per-user problems are recorded on the item and never thrown;
 * only what must stop the whole run (a refused secret key, a lost database) escapes.
 */
@Injectable()
export class UserMigrator {
  private readonly logger = new Logger(UserMigrator.name);

  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly runs: MigrationRunsRepository,
    private readonly audit: AuditService,
    private readonly invitations: InvitationsService,
  ) {}

  async execute(run: RunContext, item: WorkItem, options: ExecuteOptions = {}): Promise<ItemStatus> {
    switch (item.action) {
      case 'invalid':
        return this.settle(run, item, 'failed', { errorCode: item.reason, errorMessage: invalidMessage(item.reason) });
      case 'skip':
        return this.settle(run, item, 'skipped', { clerkUserId: item.clerkUserId ?? null });
      case 'link':
        return this.link(run, item, item.clerkUserId!, false);
      default:
        return this.create(run, item, options);
    }
  }

  private async create(run: RunContext, item: WorkItem, options: ExecuteOptions): Promise<ItemStatus> {
    await this.runs.markCreating(item.itemId);
    let clerkUserId: string;
    try {
      const created = await this.clerk.createUser({
        externalId: item.userId,
        email: item.email,
        ...splitName(item.name),
        ...(item.action === 'create' && { password: item.password }),
        publicMetadata: { migratedBy: MIGRATED_BY, role: item.role },
        privateMetadata: ownershipMarker(run.runId),
        createdAt: item.createdAt,
      });
      clerkUserId = created.id;
    } catch (error) {
      if (options.onEmailTaken && error instanceof ClerkGatewayError && error.kind === ClerkErrorKind.Conflict)
        return options.onEmailTaken();
      return this.createFailed(run, item, error);
    }
    return this.link(run, item, clerkUserId, true, item.action === 'invite');
  }

  private async createFailed(run: RunContext, item: WorkItem, error: unknown): Promise<ItemStatus> {
    if (!(error instanceof ClerkGatewayError)) throw error;
    const details = { errorCode: error.clerkCode ?? error.kind, errorMessage: error.message };
    switch (error.kind) {
      case ClerkErrorKind.Unauthorized:
      case ClerkErrorKind.NotConfigured:
        await this.settle(run, item, 'failed', { errorCode: MigrationErrorCode.ClerkUnauthorized, errorMessage: error.message });
        throw new MigrationError(
          502,
          MigrationErrorCode.ClerkUnauthorized,
          `Clerk refused the secret key (CLERK_SECRET_KEY): ${error.message}`,
        );
      case ClerkErrorKind.Conflict:
        // Someone gave Clerk this email between our look-up and the create; never make a second account.
        return this.settle(run, item, 'skipped', { ...details, errorCode: 'exists_in_clerk' });
      case ClerkErrorKind.Invalid:
        return this.settle(run, item, 'failed', details);
      default:
        // The create may or may not have landed: leave the item `creating` for reconciliation by external id.
        await this.runs.updateItem(item.itemId, details);
        return 'creating';
    }
  }

  /**
   * Writes the link, the item's outcome and its audit row in one transaction. An invited user's
   * invitation is queued in the outbox in the same transaction (the item says `pending`): the run
   * never waits for it, and the fleet's sender sends it at Clerk's pace.
   */
  async link(
    run: RunContext,
    item: Pick<WorkItem, 'itemId' | 'userId' | 'reason' | 'email'>,
    clerkUserId: string,
    createdInClerk: boolean,
    invite = false,
  ): Promise<ItemStatus> {
    const outcome = await this.runs
      .transaction(async (manager) => {
        const won = await this.users.linkClerkUser(item.userId, clerkUserId, manager);
        const current = won ? clerkUserId : (await this.users.findById(item.userId, manager))?.clerkUserId;
        if (current !== clerkUserId) return 'linked_meanwhile' as const;
        const status = createdInClerk ? 'created' : 'linked';
        await this.settle(
          run,
          item,
          status,
          { clerkUserId, createdInClerk, ...(invite ? { invitationStatus: 'pending' as const } : {}) },
          manager,
        );
        if (invite) {
          const invitation = { userId: item.userId, runId: run.runId, email: item.email, redirectUrl: run.invitationRedirectUrl };
          await this.invitations.enqueue([invitation], manager);
        }
        return status;
      })
      .catch((error: { code?: string }) => {
        // Another local user already holds this Clerk account (the unique index on clerk_user_id said so).
        if (error.code === UNIQUE_VIOLATION) return 'account_taken' as const;
        throw error;
      });
    if (outcome === 'created' || outcome === 'linked') return outcome;
    if (createdInClerk) await this.removeOrphan(clerkUserId);
    return outcome === 'account_taken'
      ? this.settle(run, item, 'skipped', {
          clerkUserId,
          errorCode: 'clerk_account_linked_to_another_user',
          errorMessage: 'Another local user is already linked to this Clerk account',
        })
      : this.settle(run, item, 'skipped', {
          errorCode: 'already_linked',
          errorMessage: 'The user was linked to another Clerk account meanwhile',
        });
  }

  private async settle(
    run: RunContext,
    item: Pick<WorkItem, 'itemId' | 'userId' | 'reason'>,
    status: ItemStatus,
    changes: Partial<MigrationItemEntity>,
    manager?: EntityManager,
  ): Promise<ItemStatus> {
    const write = async (tx: EntityManager) => {
      await this.runs.updateItem(item.itemId, { ...changes, status }, tx);
      const action = AUDIT_BY_STATUS[status];
      if (action) {
        await this.audit.record(
          {
            userId: item.userId,
            actor: run.actor,
            action,
            details: { runId: run.runId, reason: changes.errorCode ?? item.reason, clerkUserId: changes.clerkUserId ?? undefined },
          },
          tx,
        );
      }
    };
    await (manager ? write(manager) : this.runs.transaction(write));
    return status;
  }

  private async removeOrphan(clerkUserId: string): Promise<void> {
    await this.clerk.deleteUser(clerkUserId).catch((error: unknown) => {
      this.logger.error(`could not delete unlinked Clerk user ${clerkUserId}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

function invalidMessage(reason: string): string {
  const messages: Record<string, string> = {
    invalid_email: 'The email address is not valid',
    duplicate_email: 'Another user has the same email ignoring case; resolve the duplicate first',
    unsupported_hash: 'The password hash is of no format Clerk can import (see "Password formats" in the README)',
  };
  return messages[reason] ?? reason;
}
