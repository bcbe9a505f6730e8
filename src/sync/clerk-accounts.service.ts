import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkSignUps, type SignUpOutcome } from '../auth/clerk-sign-up.port.js';
import type { ClerkUser } from '../clerk/clerk.gateway.js';
import { syncConfig, type SyncConfig } from '../config/sync.config.js';
import { verifiedPrimaryEmail } from '../users/clerk-account-owners.js';
import type { UserEntity } from '../users/user.entity.js';
import { ExternalIdUpdates } from './external-id-updates.js';
import { clerkName, clerkRole } from './profile-drift.js';
import { UsersService, type NewClerkUserRow } from '../users/users.service.js';

/**
 * The migrator's mark in `private_metadata` of the accounts it creates (see `src/migration/ownership-marker.ts`):
 * such an account is the migrator's to link, never a sign-up's.
 */
const MIGRATOR_MARK = 'clerk-migrate';

/** What an unlinked account would get: linked to its owner, a new row, or nothing (and why). */
export type Adoption =
  | { kind: 'link'; user: UserEntity; matchedBy: string }
  | { kind: 'provision'; row: NewClerkUserRow }
  | { kind: 'conflict'; email: string; holderId: string }
  | { kind: 'ignored'; reason: string };

export type AdoptionResult = { outcome: 'linked' | 'provisioned'; user: UserEntity } | { outcome: 'conflict' | 'ignored'; reason: string };

/**
 * Clerk accounts linked to nobody: linked by the existing rules, or given a new `users` row
 * (`CLERK_SIGN_UPS=provision`). The first request (through auth's `ClerkSignUps` port), the
 * `user.created` webhook and `sync` all come here.
 */
@Injectable()
export class ClerkAccountsService extends ClerkSignUps {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly externalIds: ExternalIdUpdates,
    @Inject(syncConfig.KEY) private readonly config: SyncConfig,
  ) {
    super();
  }

  /** The first request of an account nobody owns (auth has applied the linking rules already). */
  async provision(clerkUser: ClerkUser): Promise<SignUpOutcome> {
    const plan = await this.provisionPlan(clerkUser);
    if (plan.kind === 'ignored') return { refused: plan.reason as 'sign_ups_refused' | 'no_verified_email' };
    // Auth records the refusal (once per account per interval): a conflict row per request would fill the log.
    if (plan.kind !== 'provision') return { refused: 'email_conflict' };
    const result = await this.dataSource.transaction((manager) => this.insert(plan.row, 'first_request', manager));
    if (result.outcome !== 'provisioned') return { refused: 'email_conflict' };
    this.externalIds.startSoon(result.user.userId);
    return { user: result.user };
  }

  /** What `adopt` would do, reading only. */
  async plan(clerkUser: ClerkUser): Promise<Adoption> {
    if (clerkUser.privateMetadata.migratedBy === MIGRATOR_MARK) return { kind: 'ignored', reason: 'created_by_migrator' };
    if (await this.users.isRolledBackAccount(clerkUser.id)) return { kind: 'ignored', reason: 'rolled_back' };
    const owner = await this.users.findAccountOwner(clerkUser, this.config.linkByVerifiedEmail);
    if (owner.kind === 'match') return { kind: 'link', user: owner.user, matchedBy: owner.matchedBy };
    if (owner.kind === 'claimed') return { kind: 'ignored', reason: 'external_id_claimed' };
    return this.provisionPlan(clerkUser);
  }

  /**
   * Links or provisions inside the caller's transaction; the caller starts the `external_id` update
   * of a provisioned person once it has committed.
   */
  async adopt(clerkUser: ClerkUser, source: string, manager: EntityManager): Promise<AdoptionResult> {
    const plan = await this.plan(clerkUser);
    if (plan.kind === 'ignored') return { outcome: 'ignored', reason: plan.reason };
    if (plan.kind === 'conflict') {
      await this.recordConflict(clerkUser.id, plan, manager);
      return { outcome: 'conflict', reason: 'email_taken' };
    }
    if (plan.kind === 'provision') return this.insert(plan.row, source, manager);
    const outcome = await this.users.linkOnSignIn(plan.user.userId, clerkUser.id);
    if (outcome !== 'linked') return { outcome: 'ignored', reason: outcome };
    await this.audit.record(
      {
        userId: plan.user.userId,
        actor: 'clerk',
        action: AuditAction.SyncUserLinked,
        details: { clerkUserId: clerkUser.id, matchedBy: plan.matchedBy, source },
      },
      manager,
    );
    return { outcome: 'linked', user: { ...plan.user, clerkUserId: clerkUser.id } as UserEntity };
  }

  private async provisionPlan(clerkUser: ClerkUser): Promise<Adoption> {
    if (this.config.signUps === 'refuse') return { kind: 'ignored', reason: 'sign_ups_refused' };
    const email = verifiedPrimaryEmail(clerkUser);
    if (!email) return { kind: 'ignored', reason: 'no_verified_email' };
    const holder = await this.users.findEmailHolder(email, null);
    // The account's own row, written by a concurrent first request: the insert below reads it back.
    if (holder && holder.clerkUserId !== clerkUser.id) return { kind: 'conflict', email, holderId: holder.userId };
    const row = {
      clerkUserId: clerkUser.id,
      email,
      name: clerkName(clerkUser, email),
      role: clerkRole(clerkUser) ?? this.config.defaultRole,
      createdAt: new Date(clerkUser.createdAt),
    };
    return { kind: 'provision', row };
  }

  /** One row however many instances race; the loser of an email race is a recorded conflict. */
  private async insert(row: NewClerkUserRow, source: string, manager: EntityManager): Promise<AdoptionResult> {
    const written = await this.users.insertClerkUser(row, manager);
    if (!written) {
      const holder = await this.users.findEmailHolder(row.email, null, manager);
      await this.recordConflict(row.clerkUserId, { email: row.email, holderId: holder?.userId ?? null }, manager);
      return { outcome: 'conflict', reason: 'email_taken' };
    }
    if (written.inserted) {
      await this.externalIds.enqueue(written.user.userId, row.clerkUserId, manager);
      const details = { clerkUserId: row.clerkUserId, role: row.role, source };
      await this.audit.record({ userId: written.user.userId, actor: 'clerk', action: AuditAction.SyncUserProvisioned, details }, manager);
    }
    return { outcome: 'provisioned', user: written.user };
  }

  /** The conflict, on the row that holds the email (no secrets: ids and the address only). */
  async recordConflict(
    clerkUserId: string,
    conflict: { email: string; holderId: string | null } | null,
    manager?: EntityManager,
  ): Promise<void> {
    await this.audit.record(
      {
        userId: conflict?.holderId ?? null,
        actor: 'clerk',
        action: AuditAction.SyncConflict,
        details: { clerkUserId, reason: 'email_taken', email: conflict?.email ?? null },
      },
      manager,
    );
  }
}
