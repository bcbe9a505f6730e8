import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ClerkUser } from '../clerk/clerk.gateway.js';
import { AppError, CommonErrorCode } from '../common/app-error.js';
import type { Principal } from '../common/principal.js';
import type { UserResponseDto } from '../common/user-response.dto.js';
import { ClerkAccountOwners, type AccountOwner } from './clerk-account-owners.js';
import { ClerkProfilesRepository, type NewClerkUserRow, type ProfileChanges } from './clerk-profiles.repository.js';
import { ClerkSignInsRepository } from './clerk-sign-ins.repository.js';
import type { UserEntity } from './user.entity.js';
import { UsersRepository, type LegacyFilter, type SignInLink, type UserStats } from './users.repository.js';

export type { AccountOwner, LegacyFilter, NewClerkUserRow, ProfileChanges, SignInLink, UserStats };

/**
 * What other modules may read from and write to the people this module owns (`users` and
 * `clerk_sign_ins`). Its repositories stay inside the module: other modules call these methods,
 * never a repository. Every write to them is here; other modules' read-only SQL may still join them
 * (the audit log's search by email, sync's and the outbox's reports, the runs' item views).
 * Methods that take an `EntityManager` run inside the caller's transaction when given one.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly signIns: ClerkSignInsRepository,
    private readonly profiles: ClerkProfilesRepository,
    private readonly owners: ClerkAccountOwners,
  ) {}

  /**
   * The caller's own record, mapped so that no password hash can leave: the profile captured when
   * their token was resolved (no query; a deleted user's token stops resolving within the principal
   * cache's 30 seconds).
   */
  profile(principal: Principal): UserResponseDto {
    if (!principal.profile) {
      throw new AppError(
        403,
        CommonErrorCode.NotAPerson,
        'An API key or M2M token has no profile of its own; /users/me is for people signed in',
      );
    }
    return principal.profile;
  }

  // One person, found by what the caller knows of them.

  findById(userId: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.users.findById(userId, manager);
  }

  findByIds(userIds: string[]): Promise<Map<string, UserEntity>> {
    return this.users.findByIds(userIds);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findByEmail(email);
  }

  findByClerkUserId(clerkUserId: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.users.findByClerkUserId(clerkUserId, manager);
  }

  /** The row a legacy login checks, and whether its owner was deleted at Clerk. */
  findLoginCandidate(email: string): Promise<{ user: UserEntity; deletedAtClerk: boolean } | null> {
    return this.users.findLoginCandidate(email);
  }

  /** Who a Clerk account provably belongs to here (the linking rules live in `ClerkAccountOwners`). */
  findAccountOwner(clerkUser: ClerkUser, linkByVerifiedEmail: boolean): Promise<AccountOwner> {
    return this.owners.find(clerkUser, linkByVerifiedEmail);
  }

  /** Another user holding `email` (ignoring case), if any. */
  findEmailHolder(email: string, exceptUserId: string | null, manager?: EntityManager): Promise<UserEntity | null> {
    return this.profiles.findEmailHolder(email, exceptUserId, manager);
  }

  // The link between a person and their Clerk account.

  linkClerkUser(userId: string, clerkUserId: string, manager?: EntityManager): Promise<boolean> {
    return this.users.linkClerkUser(userId, clerkUserId, manager);
  }

  linkOnSignIn(userId: string, clerkUserId: string): Promise<SignInLink> {
    return this.users.linkOnSignIn(userId, clerkUserId);
  }

  unlinkClerkUser(userId: string, clerkUserId: string, manager?: EntityManager): Promise<boolean> {
    return this.users.unlinkClerkUser(userId, clerkUserId, manager);
  }

  isRolledBackAccount(clerkUserId: string): Promise<boolean> {
    return this.users.isRolledBackAccount(clerkUserId);
  }

  /** Records a Clerk sign-in; true when it was the person's first. */
  recordClerkSignIn(userId: string, clerkUserId: string): Promise<boolean> {
    return this.signIns.record(userId, clerkUserId);
  }

  signedInThroughClerkSince(links: { userId: string; clerkUserId: string }[], since: Date): Promise<Set<string>> {
    return this.signIns.signedInSince(links, since);
  }

  // People who signed up at Clerk, and linked rows following Clerk.

  insertClerkUser(row: NewClerkUserRow, manager?: EntityManager): Promise<{ user: UserEntity; inserted: boolean } | null> {
    return this.profiles.insertClerkUser(row, manager);
  }

  updateProfile(userId: string, clerkUserId: string, changes: ProfileChanges, manager?: EntityManager): Promise<boolean> {
    return this.profiles.updateProfile(userId, clerkUserId, changes, manager);
  }

  // Legacy users, as the migration engine reads them.

  findLegacyUser(userId: string, filter: LegacyFilter): Promise<UserEntity | null> {
    return this.users.findLegacyUser(userId, filter);
  }

  legacyUsersInBatches(batchSize: number, filter: LegacyFilter = {}): AsyncGenerator<UserEntity[]> {
    return this.users.legacyUsersInBatches(batchSize, filter);
  }

  countLegacy(filter: LegacyFilter = {}): Promise<number> {
    return this.users.countLegacy(filter);
  }

  /** `stats` and the legacy users by password format, in one grouped pass. */
  statsByPasswordFormat(...args: Parameters<UsersRepository['statsByPasswordFormat']>) {
    return this.users.statsByPasswordFormat(...args);
  }

  countByLowerEmail(emails: string[]): Promise<Map<string, number>> {
    return this.users.countByLowerEmail(emails);
  }

  deletedAtClerkAmong(userIds: string[]): Promise<Set<string>> {
    return this.users.deletedAtClerkAmong(userIds);
  }

  linkedClerkIds(clerkUserIds: string[]): Promise<Set<string>> {
    return this.users.linkedClerkIds(clerkUserIds);
  }

  linkedUsersAfter(afterUserId: string | undefined, limit: number): Promise<UserEntity[]> {
    return this.users.linkedUsersAfter(afterUserId, limit);
  }

  // Counts and samples over everyone.

  stats(): Promise<UserStats> {
    return this.users.stats();
  }

  countByState(): Promise<{ onClerk: number; legacy: number }> {
    return this.users.countByState();
  }

  countPasswordHashes(): Promise<{ removable: number; waiting: number; legacy: number }> {
    return this.users.countPasswordHashes();
  }

  removeHashesOfClerkSignedIn(limit: number, manager: EntityManager): Promise<string[]> {
    return this.users.removeHashesOfClerkSignedIn(limit, manager);
  }

  samplePasswordHashes(limit: number): Promise<string[]> {
    return this.users.samplePasswordHashes(limit);
  }
}
