import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';
import type { HeldLock } from '../locks/migration-lock.js';
import { assertLockHeld } from './migration.error.js';

export interface CleanupRequest {
  actor: string;
  confirm: boolean;
  dryRun: boolean;
}

export interface CleanupReport {
  dryRun: boolean;
  /** Hashes removed (or, in a dry run, that would be). */
  removed: number;
  /** Linked users who still have a hash because they have not signed in through Clerk yet. */
  waitingForClerkSignIn: number;
  /** Users not on Clerk at all; their hashes are kept, they still need them. */
  notOnClerk: number;
}

const BATCH = 1000;

/**
 * The seed's "Remove Password Hashes", done safely: only for users linked to Clerk who have
 * signed in through Clerk since (recorded by the auth guard), and only when confirmed.
 */
@Injectable()
export class PasswordCleanup {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The caller holds the migration lock (`lock`) unless this is a dry run; `onBatch` hears after
   * each batch how many hashes are gone so far.
   */
  async run(request: CleanupRequest, lock?: HeldLock, onBatch?: (removed: number) => Promise<void>): Promise<CleanupReport> {
    if (!request.dryRun && !lock) throw new Error('removing password hashes needs the migration lock');
    const removedNow = request.dryRun ? undefined : await this.removeAll(request.actor, lock!, onBatch);
    // Counted after the removal: what is left. A dry run's count says what it would remove, in the same query.
    const hashes = await this.users.countPasswordHashes();
    const removed = removedNow ?? hashes.removable;
    const report = { dryRun: request.dryRun, removed, waitingForClerkSignIn: hashes.waiting, notOnClerk: hashes.legacy };
    if (!request.dryRun) {
      await this.audit.record({
        actor: request.actor,
        action: AuditAction.PasswordsCleanedUp,
        details: { removed, waitingForClerkSignIn: report.waitingForClerkSignIn },
      });
    }
    return report;
  }

  /** Hashes a clean-up would remove now, which is what a clean-up's progress counts towards. */
  async countRemovable(): Promise<number> {
    return (await this.users.countPasswordHashes()).removable;
  }

  /** In batches, each one transaction with its audit rows, so a large table is never locked for long. */
  private async removeAll(actor: string, lock: HeldLock, onBatch?: (removed: number) => Promise<void>): Promise<number> {
    let removed = 0;
    for (;;) {
      assertLockHeld(lock);
      const count = await this.dataSource.transaction(async (manager) => {
        const userIds = await this.users.removeHashesOfClerkSignedIn(BATCH, manager);
        await this.audit.recordMany(
          userIds.map((userId) => ({ userId, actor, action: AuditAction.PasswordRemoved })),
          manager,
        );
        return userIds.length;
      });
      removed += count;
      await onBatch?.(removed);
      if (count < BATCH) return removed;
    }
  }
}
