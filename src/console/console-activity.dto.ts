import { ApiProperty } from '@nestjs/swagger';

export class RefusalCountDto {
  @ApiProperty({ enum: ['legacy', 'clerk'] }) method: string;
  @ApiProperty({ example: 'wrong_password' }) reason: string;
  @ApiProperty() count: number;
}

export class ActivityDto {
  @ApiProperty({ type: [String], description: 'Every hour of the window, oldest first (UTC start of each hour)' }) hours: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'integer' } },
    description: 'Per series (legacySignIns, legacyRefusals, clerkFirstSignIns, clerkRefusals, migrated, rolledBack), a count per hour',
  })
  series: Record<string, number[]>;
  @ApiProperty({ type: [RefusalCountDto], description: 'The most frequent refusal reasons, legacy and Clerk' }) refusals: RefusalCountDto[];
}

export class UserCountsDto {
  @ApiProperty({ example: 44 }) total: number;
  @ApiProperty({ example: 8, description: 'Users linked to a Clerk account' }) withClerk: number;
  @ApiProperty({ example: 36, description: 'Legacy users, not yet on Clerk' }) withoutClerk: number;
  @ApiProperty({ example: 36, description: 'Users who still have a password hash' }) withPassword: number;
  @ApiProperty({ example: 0, description: 'Linked users who have signed in through Clerk since' }) signedInThroughClerk: number;
  @ApiProperty({ example: 0, description: 'People whose Clerk account was deleted at Clerk: kept, never migrated again' })
  deletedAtClerk: number;
}

export class MoveFiguresDto {
  @ApiProperty({ example: 3, description: 'People whose invitation was sent and who have not signed in through Clerk yet' })
  invitedNotSignedIn: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { unsupported_hash: 2, invalid_email: 1 },
    description: 'Legacy users a run reported invalid (its latest word on them), by the reason it recorded',
  })
  invalidByReason: Record<string, number>;
}

export class LockHoldersDto {
  @ApiProperty({ type: [String], example: ['migration run (all), since 2026-12-07T14:18:27Z'], description: 'Live holders, oldest first' })
  holders: string[];
}
