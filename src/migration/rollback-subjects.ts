import { Injectable } from '@nestjs/common';
import { ClerkGateway, type ClerkUser } from '../clerk/clerk.gateway.js';
import { ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import type { MigrationItemEntity } from './migration-item.entity.js';
import type { MigrationRunEntity } from './migration-run.entity.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { creatorRunOf } from './ownership-marker.js';
import type { RollbackSubject } from './rollback-decision.js';
import { UsersService } from '../users/users.service.js';

/** One person a rollback weighs, with the item that ties them to the run. */
export interface PendingUndo extends RollbackSubject {
  item: MigrationItemEntity;
  /** `linked`: a link the run wrote; `unsettled`: a create of the run found afterwards by its marker. */
  source: 'linked' | 'unsettled';
  /** Signed in through Clerk with the run's account since the run started. */
  signedInSince: boolean;
  /** The person's invitation is still in the outbox, unsent: a rollback removes it rather than revoking it. */
  invitationQueued: boolean;
}

interface Found {
  item: MigrationItemEntity;
  source: PendingUndo['source'];
  clerkUserId: string;
  account: ClerkUser | undefined;
}

/**
 * Gathers, one page of items at a time, what a rollback decides on: the person's link and password
 * now, their Clerk sign-ins since the run, and (when it matters) the Clerk account with its
 * ownership marker, read in one look-up per page.
 */
@Injectable()
export class RollbackSubjects {
  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly invitations: InvitationsService,
  ) {}

  /** The run's own links. Clerk is asked only when accounts may be deleted: the marker decides that. */
  async linked(run: MigrationRunEntity, items: MigrationItemEntity[], deleteClerkUsers: boolean): Promise<PendingUndo[]> {
    const accounts = deleteClerkUsers ? await this.accountsOf(items) : new Map<string, ClerkUser>();
    const found = items.map((item) => ({
      item,
      source: 'linked' as const,
      clerkUserId: item.clerkUserId!,
      account: accounts.get(item.userId),
    }));
    return this.weigh(run, found);
  }

  /**
   * Creates of the run whose answer was lost and that no reconciliation credited to it: an account
   * carrying the run's marker is the run's, whichever later run or sign-in linked it.
   */
  async unsettled(run: MigrationRunEntity, items: MigrationItemEntity[]): Promise<PendingUndo[]> {
    const accounts = await this.accountsOf(items);
    const found = items.flatMap((item) => {
      const account = accounts.get(item.userId);
      return account && creatorRunOf(account) === run.id ? [{ item, source: 'unsettled' as const, clerkUserId: account.id, account }] : [];
    });
    return this.weigh(run, found);
  }

  private async weigh(run: MigrationRunEntity, found: Found[]): Promise<PendingUndo[]> {
    const users = await this.users.findByIds(found.map((f) => f.item.userId));
    const signedIn = await this.users.signedInThroughClerkSince(
      found.map((f) => ({ userId: f.item.userId, clerkUserId: f.clerkUserId })),
      run.startedAt,
    );
    const invitations = await this.invitations.invitationStates(found.map((f) => f.item.userId));
    return found.map(({ item, source, clerkUserId, account }) => {
      const user = users.get(item.userId);
      return {
        item,
        source,
        clerkUserId,
        currentLink: user?.clerkUserId ?? null,
        // A local row that is gone strands nobody.
        hasPassword: user ? user.passwordHash !== null : true,
        ownedByRun: account?.id === clerkUserId && creatorRunOf(account) === run.id,
        recordedAsCreated: item.createdInClerk,
        alreadyDeleted: item.clerkDeletedAt !== null,
        // The outbox's: sent ones are revoked at Clerk, queued ones removed before anyone is emailed.
        invitationToRevoke: invitations.has(item.userId),
        invitationQueued: invitations.get(item.userId) === 'queued',
        signedInSince: signedIn.has(item.userId),
      };
    });
  }

  private async accountsOf(items: MigrationItemEntity[]): Promise<Map<string, ClerkUser>> {
    if (items.length === 0) return new Map();
    try {
      const found = await this.clerk.findUsersByExternalIds(items.map((item) => item.userId));
      return new Map(found.map((account) => [account.externalId!, account]));
    } catch (error) {
      if (!(error instanceof ClerkGatewayError)) throw error;
      throw new MigrationError(
        503,
        MigrationErrorCode.ClerkUnavailable,
        `Clerk could not be reached to check which accounts this run created (${error.message}); ` +
          'run the rollback again, it goes on where it stopped',
      );
    }
  }
}
