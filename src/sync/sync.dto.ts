import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '../common/page-query.dto.js';

export class SyncRequestDto {
  @ApiPropertyOptional({ default: false, description: 'Report what would change; write nothing to Clerk or the database' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class SyncReportDto {
  @ApiProperty({ example: 120, description: 'Clerk accounts seen' }) clerkUsers: number;
  @ApiProperty({ example: 2, description: 'People who signed up at Clerk and got a users row' }) provisioned: number;
  @ApiProperty({ example: 0, description: 'Unlinked legacy users linked to their Clerk account (external_id, verified email)' })
  linked: number;
  @ApiProperty({ example: 1, description: 'Linked rows that followed Clerk (email, name, role)' }) updated: number;
  @ApiProperty({ example: 0, description: 'Linked rows whose account is gone at Clerk, confirmed by a look-up' }) deletedAtClerk: number;
  @ApiProperty({ example: 0, description: 'Emails another row holds: recorded in the audit log, left alone' }) conflicts: number;
  @ApiProperty({ example: 117, description: 'Accounts that needed nothing' }) unchanged: number;
}

export class DeletedAtClerkQueryDto extends PageQuery({ defaultLimit: 50, maxLimit: 500 }) {}

export class DeletedAtClerkDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'The Clerk account that was deleted' }) clerkUserId: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time', description: 'When Clerk deleted the account (the event, or when sync found it gone)' })
  deletedAt: Date;
  @ApiProperty({ format: 'date-time' }) recordedAt: Date;
  @ApiProperty({ enum: ['webhook', 'sync'] }) source: string;
}

export class DeletedAtClerkPageDto {
  @ApiProperty({ type: [DeletedAtClerkDto] }) items: DeletedAtClerkDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class WebhookReceiptDto {
  @ApiProperty({ example: true }) received: boolean;
  @ApiProperty({ example: false, description: 'This svix-id was delivered before; it is applied once' }) duplicate: boolean;
}
