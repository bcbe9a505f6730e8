import { Injectable } from '@nestjs/common';
import { ClerkGateway, MAX_LOOKUP_BATCH, type ClerkUser } from '../clerk/clerk.gateway.js';
import type { MigrationStrategy, OnExistingPolicy } from '../config/migration.config.js';
import { PasswordFormats } from '../passwords/password-formats.js';
import type { UserEntity } from '../users/user.entity.js';
import { isPlausibleEmail, planBatch, type PlannedUser } from './migration-plan.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { UsersService } from '../users/users.service.js';

export interface PlanOptions {
  strategy: MigrationStrategy;
  onExisting: OnExistingPolicy;
}

/**
 * Gathers what a batch's plan depends on with as few Clerk requests as possible: one look-up by
 * email per 100 users, and one by external id only for users some run may already have created.
 */
@Injectable()
export class MigrationPlanner {
  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly runs: MigrationRunsRepository,
    private readonly passwords: PasswordFormats,
  ) {}

  async plan(batch: UserEntity[], options: PlanOptions): Promise<PlannedUser[]> {
    const emails = [...new Set(batch.map((u) => u.email.toLowerCase()).filter(isPlausibleEmail))];
    const userIds = batch.map((u) => u.userId);
    const [byEmail, emailCounts, mayExist, deletedAtClerk] = await Promise.all([
      this.inChunks(emails, (chunk) => this.clerk.findUsersByEmails(chunk)),
      this.users.countByLowerEmail(emails),
      this.runs.usersWithPossibleClerkAccount(userIds),
      this.users.deletedAtClerkAmong(userIds),
    ]);
    const byExternalId = await this.inChunks([...mayExist], (chunk) => this.clerk.findUsersByExternalIds(chunk));
    const clerkUsers = [...byEmail, ...byExternalId];
    const clerkIdsLinkedLocally = await this.users.linkedClerkIds(clerkUsers.map((u) => u.id));
    return planBatch(batch, { ...options, clerkUsers, emailCounts, clerkIdsLinkedLocally, deletedAtClerk, passwords: this.passwords });
  }

  /**
   * The plan Clerk's answers could only change into a link or a skip: for a trickle migration,
   * which creates first and looks up only when Clerk says the email is taken. Users some run may
   * already have created get the full plan (their account must be found by external id).
   */
  async planWithoutLookups(batch: UserEntity[], options: PlanOptions): Promise<PlannedUser[]> {
    const mayExist = await this.runs.usersWithPossibleClerkAccount(batch.map((u) => u.userId));
    if (mayExist.size > 0) return this.plan(batch, options);
    const [emailCounts, deletedAtClerk] = await Promise.all([
      this.users.countByLowerEmail([...new Set(batch.map((u) => u.email.toLowerCase()))]),
      this.users.deletedAtClerkAmong(batch.map((u) => u.userId)),
    ]);
    return planBatch(batch, {
      ...options,
      clerkUsers: [],
      emailCounts,
      clerkIdsLinkedLocally: new Set(),
      deletedAtClerk,
      passwords: this.passwords,
    });
  }

  private async inChunks(values: string[], lookUp: (chunk: string[]) => Promise<ClerkUser[]>): Promise<ClerkUser[]> {
    const found: ClerkUser[] = [];
    for (let i = 0; i < values.length; i += MAX_LOOKUP_BATCH) found.push(...(await lookUp(values.slice(i, i + MAX_LOOKUP_BATCH))));
    return found;
  }
}
