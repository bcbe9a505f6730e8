import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ITEM_STATUSES, type ItemStatus } from './migration-item.entity.js';
import { MIGRATION_STRATEGIES, type MigrationStrategy } from '../config/migration.config.js';
import { PageQuery } from '../common/page-query.dto.js';
import type { MigrationWarning } from './development-instance-cap.js';
import { RUN_KINDS, RUN_STATUSES, type MigrationRunEntity, type RunKind, type RunStatus } from './migration-run.entity.js';
import { migrationRunView, type MigrationRunView, type RunClerkUsage } from './migration-run.view.js';

export class MigrateRequestDto {
  @ApiPropertyOptional({ enum: MIGRATION_STRATEGIES, description: 'Defaults to MIGRATION_STRATEGY' })
  @IsOptional()
  @IsIn(MIGRATION_STRATEGIES)
  strategy?: MigrationStrategy;

  @ApiPropertyOptional({ description: 'Only this user (case-insensitive)', example: 'test@example.com' })
  @IsOptional()
  @MaxLength(320)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ description: 'At most this many users', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  limit?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Also plan users reported invalid whose row has not changed since (left out otherwise)',
  })
  @IsOptional()
  @IsBoolean()
  retryInvalid?: boolean;
}

export class RollbackRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Must be true unless dryRun (the CLI asks for --yes): rollback unlinks users' })
  @IsOptional()
  @IsBoolean()
  confirm: boolean = false;

  @ApiPropertyOptional({
    default: false,
    description: 'Also delete from Clerk the accounts this run created, as proved by their marker (never pre-existing ones)',
  })
  @IsOptional()
  @IsBoolean()
  deleteClerkUsers: boolean = false;

  @ApiPropertyOptional({ default: false, description: 'Report what would be undone, change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun: boolean = false;
}

export class CleanupRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Must be true unless dryRun: removing password hashes cannot be undone' })
  @IsOptional()
  @IsBoolean()
  confirm: boolean = false;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  dryRun: boolean = false;
}

export class PageQueryDto extends PageQuery({ defaultLimit: 20, maxLimit: 200 }) {}

export class ItemsPageQueryDto extends PageQuery({ defaultLimit: 100, maxLimit: 1000 }) {
  @ApiPropertyOptional({ enum: ITEM_STATUSES, description: 'Only the users with this outcome' })
  @IsOptional()
  @IsIn(ITEM_STATUSES)
  outcome?: ItemStatus;

  @ApiPropertyOptional({ description: 'Only the users with this reason (an error code, else the plan’s reason)', example: 'bcrypt_digest' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reason?: string;
}

export class RunClerkUsageDto implements RunClerkUsage {
  @ApiProperty({ example: 1250, description: 'Requests to Clerk the run made, each attempt counted (written every second while it runs)' })
  requests: number;
  @ApiProperty({ example: 3, description: 'Of those, how many Clerk answered 429' }) rateLimited: number;
  @ApiProperty({ example: 4, description: 'Attempts that repeated a call, after a 429 or a transient failure' }) retries: number;
  @ApiProperty({ nullable: true, type: Number, example: 7.9, description: 'Requests per second from the start to the last count' })
  requestsPerSecond: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 8,
    description: 'CLERK_RATE_LIMIT of the process that ran it: the budget every process on the database shares; null for older runs',
  })
  budgetPerSecond: number | null;
}

export class MigrationRunDto implements MigrationRunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RUN_KINDS }) kind: RunKind;
  @ApiProperty() strategy: string;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'An admin user id, api_key:<key id>, machine:<machine id>, cli or scheduler' }) startedBy: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The email of the admin startedBy names; null for the CLI, the scheduler, machines',
  })
  startedByEmail: string | null;
  @ApiProperty({ enum: RUN_STATUSES }) status: RunStatus;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Items by status, and dependent rows before and after' })
  counts: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) options: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Read before going on, e.g. `development_instance_user_cap` with `cap`, `clerkUsers`, `newAccounts`',
  })
  warnings: MigrationWarning[];
  @ApiProperty({ nullable: true, type: String }) errorCode: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage: string | null;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ type: RunClerkUsageDto, description: 'What the run asked of Clerk, and its rate against the shared budget' })
  clerk: RunClerkUsageDto;

  static from(run: MigrationRunEntity): MigrationRunDto {
    return Object.assign(new MigrationRunDto(), migrationRunView(run));
  }
}

export class StartedRunDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ example: 'running' }) status: string;
  @ApiProperty({ example: '/migration/runs/0b5f…', description: 'Poll this for progress' }) progressUrl: string;
}

/** `POST /migration/runs` (everyone left) when nobody is left: 200, and no run recorded. */
export class NothingToMigrateDto {
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Always null: no run was recorded' }) runId: null;
  @ApiProperty({ enum: ['nothing_to_migrate'] }) status: 'nothing_to_migrate';
  @ApiProperty({ nullable: true, type: String, example: null }) progressUrl: null;
  @ApiProperty({ example: 0 }) total: 0;
  @ApiProperty({ example: 'Nobody is left to migrate: everyone is on Clerk or already reported; no run was recorded' }) message: string;
}
