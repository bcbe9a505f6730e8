import { Injectable } from '@nestjs/common';
import { ClerkGateway, MAX_LOOKUP_BATCH } from '../clerk/clerk.gateway.js';
import { DependentRows, type DependentRowCounts } from './dependent-rows.js';
import { UsersService } from '../users/users.service.js';

export type VerifyProblemKind = 'missing_in_clerk' | 'external_id_mismatch' | 'linked_elsewhere';

export interface VerifyProblem {
  userId: string;
  clerkUserId: string;
  problem: VerifyProblemKind;
  detail?: string;
}

export interface VerifyReport {
  ok: boolean;
  linkedUsers: number;
  verified: number;
  /** Linked by email to a Clerk account that has no external id: valid, but worth knowing. */
  withoutExternalId: number;
  problems: VerifyProblem[];
  dependentRows: DependentRowCounts;
}

const MAX_REPORTED_PROBLEMS = 1000;

/**
 * Checks, in batched look-ups, that every linked user exists in Clerk and that the Clerk account
 * carries the user's `user_id` as `external_id`; and counts the rows that depend on `users`.
 */
@Injectable()
export class MigrationVerifier {
  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly dependents: DependentRows,
  ) {}

  async verify(): Promise<VerifyReport> {
    const report: VerifyReport = { ok: true, linkedUsers: 0, verified: 0, withoutExternalId: 0, problems: [], dependentRows: {} };
    let after: string | undefined;
    for (;;) {
      const batch = await this.users.linkedUsersAfter(after, MAX_LOOKUP_BATCH);
      if (batch.length === 0) break;
      await this.verifyBatch(
        batch.map((u) => ({ userId: u.userId, clerkUserId: u.clerkUserId! })),
        report,
      );
      after = batch[batch.length - 1].userId;
    }
    report.dependentRows = await this.dependents.count();
    report.ok = report.problems.length === 0;
    report.problems = report.problems.slice(0, MAX_REPORTED_PROBLEMS);
    return report;
  }

  private async verifyBatch(linked: { userId: string; clerkUserId: string }[], report: VerifyReport): Promise<void> {
    report.linkedUsers += linked.length;
    const byExternalId = new Map((await this.clerk.findUsersByExternalIds(linked.map((l) => l.userId))).map((u) => [u.externalId, u]));
    for (const { userId, clerkUserId } of linked) {
      const match = byExternalId.get(userId);
      if (match?.id === clerkUserId) {
        report.verified += 1;
        continue;
      }
      if (match) {
        report.problems.push({ userId, clerkUserId, problem: 'linked_elsewhere', detail: `Clerk user ${match.id} carries this user_id` });
        continue;
      }
      // Rare: accounts linked by email may have no external id. One look-up each.
      const account = await this.clerk.getUser(clerkUserId);
      if (!account) report.problems.push({ userId, clerkUserId, problem: 'missing_in_clerk' });
      else if (account.externalId)
        report.problems.push({ userId, clerkUserId, problem: 'external_id_mismatch', detail: `external_id is ${account.externalId}` });
      else {
        report.withoutExternalId += 1;
        report.verified += 1;
      }
    }
  }
}
