import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import type { ClerkUser } from '../clerk/clerk.gateway.js';
import type { ClerkWebhookEvent } from '../clerk/clerk-webhook.verifier.js';
import type { UserEntity } from '../users/user.entity.js';
import { ClerkAccountsService } from './clerk-accounts.service.js';
import { ExternalIdUpdates } from './external-id-updates.js';
import { driftOf } from './profile-drift.js';
import { PostponeEvent } from './sync.error.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { UsersService, type ProfileChanges } from '../users/users.service.js';

export type SyncOutcome =
  | 'provisioned'
  | 'linked'
  | 'updated'
  | 'conflict'
  | 'updated_with_conflict'
  | 'deleted_at_clerk'
  | 'own_deletion'
  | 'sign_in_recorded'
  | 'unchanged'
  | 'stale'
  | 'ignored';

export interface Applied {
  outcome: SyncOutcome;
  /** Why an account was left alone (`created_by_migrator`, `rolled_back`, `unknown_account`, …). */
  reason?: string;
  /** A person provisioned in the caller's transaction: their `external_id` update starts once it commits. */
  provisionedUserId?: string;
}

/** How long a `session.created` of an account linked to nobody waits for the account's own user.created to be applied. */
const SIGN_IN_WAIT_MS = 60_000;
/** How long a `user.deleted` waits for a running rollback to record that the deletion was its own. */
const ROLLBACK_WAIT_MS = 5_000;
/** How often a deletion waiting for an operator to finish an interrupted rollback looks again. */
const UNFINISHED_ROLLBACK_WAIT_MS = 60_000;

/**
 * Applies what Clerk says about one account to `users`: the webhook worker and `sync` both come
 * here, so an event and a reconciliation of the same account decide alike. Every write happens in
 * one transaction with the account's version (`SyncStateRepository.advanceVersion`): an older event
 * is ignored, and nothing here calls Clerk.
 */
@Injectable()
export class ClerkUserSync {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly accounts: ClerkAccountsService,
    private readonly state: SyncStateRepository,
    private readonly externalIds: ExternalIdUpdates,
    private readonly audit: AuditService,
  ) {}

  /** One verified webhook event, inside the worker's transaction; `receivedAt` bounds how long it may wait. */
  applyEvent(event: ClerkWebhookEvent, manager: EntityManager, receivedAt = new Date()): Promise<Applied> {
    if ((event.type === 'user.created' || event.type === 'user.updated') && event.user)
      return this.applyUser(event.user, 'webhook', manager);
    if (event.type === 'user.deleted' && event.clerkUserId)
      return this.applyDeletion(event.clerkUserId, event.timestamp, 'webhook', manager);
    if (event.type === 'session.created' && event.clerkUserId) return this.recordSignIn(event.clerkUserId, manager, receivedAt);
    return Promise.resolve({ outcome: 'ignored', reason: 'event_type' });
  }

  /** The account as Clerk has it now: its linked row follows it, or an unlinked account is adopted. */
  async applyUser(user: ClerkUser, source: string, manager: EntityManager): Promise<Applied> {
    if (!(await this.state.advanceVersion(user.id, user.updatedAt, manager))) return { outcome: 'stale' };
    const row = await this.users.findByClerkUserId(user.id, manager);
    if (!row) {
      const adopted = await this.accounts.adopt(user, source, manager);
      if ('reason' in adopted) return { outcome: adopted.outcome, reason: adopted.reason };
      return adopted.outcome === 'provisioned' ? { outcome: 'provisioned', provisionedUserId: adopted.user.userId } : { outcome: 'linked' };
    }
    return this.follow(row, user, source, manager);
  }

  /** What `applyUser` would do, reading only (the dry run). */
  async planUser(user: ClerkUser): Promise<Applied> {
    if (!(await this.state.isCurrent(user.id, user.updatedAt))) return { outcome: 'stale' };
    const row = await this.users.findByClerkUserId(user.id);
    if (!row) {
      const plan = await this.accounts.plan(user);
      const outcome = ({ link: 'linked', provision: 'provisioned', conflict: 'conflict', ignored: 'ignored' } as const)[plan.kind];
      return { outcome, ...(plan.kind === 'ignored' && { reason: plan.reason }) };
    }
    const changes = driftOf(row, user);
    const conflict = changes.email ? await this.users.findEmailHolder(changes.email, row.userId) : null;
    if (conflict) delete changes.email;
    return { outcome: outcomeOf(Object.keys(changes).length > 0, conflict !== null) };
  }

  private async follow(row: UserEntity, user: ClerkUser, source: string, manager: EntityManager): Promise<Applied> {
    const changes = driftOf(row, user);
    let conflict = false;
    const holder = changes.email ? await this.users.findEmailHolder(changes.email, row.userId, manager) : null;
    if (changes.email && holder) {
      await this.accounts.recordConflict(user.id, { email: changes.email, holderId: holder.userId }, manager);
      delete changes.email;
      conflict = true;
    }
    const changed = await this.users.updateProfile(row.userId, user.id, changes, manager);
    if (changed) {
      await this.audit.record(
        {
          userId: row.userId,
          actor: 'clerk',
          action: AuditAction.SyncUserUpdated,
          details: { clerkUserId: user.id, source, changes: diff(row, changes) },
        },
        manager,
      );
    }
    return { outcome: outcomeOf(changed, conflict) };
  }

  /**
   * The account is gone at Clerk: the row and its data stay, the link is cleared, and the person is
   * marked deleted at Clerk. A deletion a rollback made (recorded on its item) changes nothing.
   */
  async applyDeletion(clerkUserId: string, atMs: number, source: string, manager: EntityManager): Promise<Applied> {
    if (!(await this.state.advanceVersion(clerkUserId, atMs, manager))) return { outcome: 'stale' };
    const row = await this.users.findByClerkUserId(clerkUserId, manager);
    if (!row) return { outcome: 'unchanged', reason: 'unknown_account' };
    if (await this.state.deletedByRollback(clerkUserId, manager)) return { outcome: 'own_deletion' };
    const rollback = await this.state.rollbackThatMayOwnDeletion(clerkUserId, manager);
    if (rollback) {
      // A webhook waits for the rollback to record its own deletion (an unfinished one: for an operator to run it
      // again); a sync pass leaves the person for its next turn. Marked meanwhile, they would lose legacy login too.
      if (source !== 'webhook') return leftForRollback(rollback);
      if (rollback === 'running') throw new PostponeEvent(ROLLBACK_WAIT_MS, 'a rollback in progress may have made this deletion');
      throw new PostponeEvent(UNFINISHED_ROLLBACK_WAIT_MS, 'an unfinished rollback may have made this deletion: run it again');
    }
    if (!(await this.users.unlinkClerkUser(row.userId, clerkUserId, manager))) return { outcome: 'unchanged' };
    await this.state.markDeletedAtClerk(row.userId, clerkUserId, new Date(atMs), source, manager);
    await this.externalIds.forget(row.userId, manager);
    await this.audit.record(
      { userId: row.userId, actor: 'clerk', action: AuditAction.SyncUserDeletedAtClerk, details: { clerkUserId, source } },
      manager,
    );
    return { outcome: 'deleted_at_clerk' };
  }

  /** What `applyDeletion` would do, reading only. */
  async planDeletion(clerkUserId: string): Promise<Applied> {
    const row = await this.users.findByClerkUserId(clerkUserId);
    if (!row) return { outcome: 'unchanged', reason: 'unknown_account' };
    if (await this.state.deletedByRollback(clerkUserId)) return { outcome: 'own_deletion' };
    const rollback = await this.state.rollbackThatMayOwnDeletion(clerkUserId);
    return rollback ? leftForRollback(rollback) : { outcome: 'deleted_at_clerk' };
  }

  /** A Clerk sign-in: the record `cleanup-passwords` trusts, as a sign-in through this API makes it. */
  private async recordSignIn(clerkUserId: string, manager: EntityManager, receivedAt: Date): Promise<Applied> {
    const row = await this.users.findByClerkUserId(clerkUserId, manager);
    // A sign-up's session.created comes right behind its user.created, which another worker may still be applying.
    if (!row && Date.now() - receivedAt.getTime() < SIGN_IN_WAIT_MS) throw new PostponeEvent(1_000, 'the account is not linked yet');
    if (!row) return { outcome: 'ignored', reason: 'unknown_account' };
    if (await this.users.recordClerkSignIn(row.userId, clerkUserId)) {
      await this.audit.record(
        { userId: row.userId, actor: row.userId, action: AuditAction.ClerkFirstSignIn, details: { source: 'webhook' } },
        manager,
      );
    }
    return { outcome: 'sign_in_recorded' };
  }

  /**
   * `applyUser` in a transaction of its own. The `external_id` update of a provisioned person stays
   * owed: `sync` sends the owed ones itself before it ends (a CLI process must not exit mid-call).
   */
  applyUserNow(user: ClerkUser, source: string): Promise<Applied> {
    return this.dataSource.transaction((manager) => this.applyUser(user, source, manager));
  }

  applyDeletionNow(clerkUserId: string, atMs: number, source: string): Promise<Applied> {
    return this.dataSource.transaction((manager) => this.applyDeletion(clerkUserId, atMs, source, manager));
  }
}

/** A deletion a rollback may have made, left to it (a sync pass's answer; a webhook waits instead). */
function leftForRollback(rollback: 'running' | 'unfinished'): Applied {
  return { outcome: 'unchanged', reason: rollback === 'running' ? 'rollback_in_progress' : 'rollback_unfinished' };
}

function outcomeOf(changed: boolean, conflict: boolean): SyncOutcome {
  if (conflict) return changed ? 'updated_with_conflict' : 'conflict';
  return changed ? 'updated' : 'unchanged';
}

/** Old and new value of each changed field (email, name, role: no secrets). */
function diff(row: UserEntity, changes: ProfileChanges): Record<string, { old: string; new: string }> {
  const out: Record<string, { old: string; new: string }> = {};
  for (const [field, value] of Object.entries(changes)) out[field] = { old: row[field as keyof ProfileChanges], new: value as string };
  return out;
}
