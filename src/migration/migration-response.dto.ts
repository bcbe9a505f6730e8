import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INVITATION_STATUSES, ITEM_STATUSES, PLANNED_ACTIONS, PROBLEM_STATUSES } from './migration-item.entity.js';
import { DryRunInvitationsDto, InvitationCountsDto, InvitationPaceDto } from '../invitations/invitation-queue.dto.js';
import { MigrationRunDto } from './migration.dto.js';

/**
 * The shapes of the migration's answers, for the OpenAPI document. The services' own report types
 * are what the handlers return; these classes describe them field by field.
 */
export class MigrationStatsDto {
  @ApiProperty({ example: 44 }) total: number;
  @ApiProperty({ example: 8, description: 'Users linked to a Clerk account' }) withClerk: number;
  @ApiProperty({ example: 36, description: 'Legacy users, not yet on Clerk' }) withoutClerk: number;
  @ApiProperty({ example: 36, description: 'Users who still have a password hash (never the hash)' }) withPassword: number;
  @ApiProperty({ example: 0, description: 'Linked users who have signed in through Clerk since' }) signedInThroughClerk: number;
  @ApiProperty({ type: InvitationCountsDto, description: 'The invitation outbox' }) invitations: InvitationCountsDto;
  @ApiProperty({ type: InvitationPaceDto }) invitationQueue: InvitationPaceDto;
  @ApiProperty({
    example: 0,
    description: 'People whose Clerk account was deleted at Clerk: kept, never migrated again (GET /sync/deleted-at-clerk)',
  })
  deletedAtClerk: number;
}

export class PlannedUserDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: PLANNED_ACTIONS }) action: string;
  @ApiProperty({ example: 'bcrypt_digest', description: 'Why, in a stable code' }) reason: string;
  @ApiPropertyOptional({ description: 'The existing Clerk account, for link' }) clerkUserId?: string;
}

export class DryRunReportDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ description: 'Legacy users planned' }) total: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { create: 35, link: 1 } }) byAction: Record<
    string,
    number
  >;
  @ApiProperty({ type: DryRunInvitationsDto }) invitations: DryRunInvitationsDto;
  @ApiProperty({ type: [PlannedUserDto], description: 'The plan per user, the first 1,000 at most' }) users: PlannedUserDto[];
  @ApiProperty({ description: 'True when users lists only part of the plan: itemsUrl has all of it' }) truncated: boolean;
  @ApiProperty({ example: '/migration/runs/0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c/items', description: 'The whole plan, page by page' })
  itemsUrl: string;
}

export class MigrationRunPageDto {
  @ApiProperty({ type: [MigrationRunDto] }) items: MigrationRunDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class RunProblemDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: PROBLEM_STATUSES, description: 'creating: Clerk’s answer was lost; the next run settles it' })
  status: string;
  @ApiProperty({ nullable: true, type: String, description: 'The error code of a failure, else the plan’s reason' }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) message: string | null;
  @ApiProperty({ nullable: true, type: String }) clerkUserId: string | null;
}

export class RunItemDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: PLANNED_ACTIONS, description: 'What the plan decided' }) action: string;
  @ApiProperty({ enum: ITEM_STATUSES, description: 'Where the user stands in the run' }) outcome: string;
  @ApiProperty({ nullable: true, type: String, description: 'The error code of a failure, else the plan’s reason' }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) message: string | null;
  @ApiProperty({ nullable: true, type: String }) clerkUserId: string | null;
  @ApiProperty({ description: 'True only when this run created the Clerk account' }) createdInClerk: boolean;
  @ApiProperty({ nullable: true, type: String, enum: INVITATION_STATUSES }) invitationStatus: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time', description: 'When the item last changed' }) updatedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) rolledBackAt: string | null;
}

export class RunItemsPageDto {
  @ApiProperty({ type: [RunItemDto] }) items: RunItemDto[];
  @ApiProperty({ description: 'Items of the run in all' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class RollbackFailureDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'Their email as the run recorded it: what an operator knows them by' }) email: string;
  @ApiProperty({ nullable: true, type: String }) clerkUserId: string | null;
  @ApiProperty() error: string;
}

export class RollbackKeptDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'Their email as the run recorded it: what an operator knows them by' }) email: string;
  @ApiProperty() clerkUserId: string;
}

export class RollbackReportDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'Links cleared (or that would be)' }) unlinked: number;
  @ApiProperty({ description: 'Clerk accounts this run created and the rollback deleted (or would)' }) deletedFromClerk: number;
  @ApiProperty({ description: 'Users whose link changed since the run, left alone' }) leftAlone: number;
  @ApiProperty({ description: "The run's people still on its accounts who have signed in through Clerk since it started" })
  signedInSince: number;
  @ApiProperty({ description: 'Accounts and links kept because their owner has no password hash left (they would be locked out)' })
  keptWithoutPassword: number;
  @ApiProperty({ description: 'Invitations of the run sent and revoked at Clerk (in a preview: sent, revoked if still pending)' })
  invitationsRevoked: number;

  @ApiProperty({ description: 'Invitations of the run still queued in the outbox, removed before anyone was emailed' })
  invitationsRemovedFromQueue: number;
  @ApiProperty({ description: "Accounts the run's records call created that carry no marker of this run: never deleted" })
  notDeletedUnmarked: number;
  @ApiProperty({ type: [RollbackKeptDto], description: 'The people kept, up to 1,000 (the audit log has every one)' })
  kept: RollbackKeptDto[];
  @ApiProperty({ type: [RollbackFailureDto], description: 'Deletions Clerk refused; roll back again to retry them' })
  failed: RollbackFailureDto[];
}

export class CleanupReportDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'Hashes removed (or that would be)' }) removed: number;
  @ApiProperty({ description: 'Linked users who keep their hash until they sign in through Clerk' }) waitingForClerkSignIn: number;
  @ApiProperty({ description: 'Users not on Clerk; their hashes are kept' }) notOnClerk: number;
}

export class VerifyProblemDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() clerkUserId: string;
  @ApiProperty({ enum: ['missing_in_clerk', 'external_id_mismatch', 'linked_elsewhere'] }) problem: string;
  @ApiPropertyOptional() detail?: string;
}

export class VerifyReportDto {
  @ApiProperty({ description: 'True when every link checked out' }) ok: boolean;
  @ApiProperty() linkedUsers: number;
  @ApiProperty() verified: number;
  @ApiProperty({ description: 'Linked by email to a Clerk account with no external id' }) withoutExternalId: number;
  @ApiProperty({ type: [VerifyProblemDto], description: 'The first 1,000 problems' }) problems: VerifyProblemDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows per table that points at users' })
  dependentRows: Record<string, number>;
}
