import { ApiProperty } from '@nestjs/swagger';
import { AuditAction } from './audit-action.js';
import type { AuditLogEntity } from './audit-log.entity.js';
import type { AuditPage } from './audit.service.js';

export class AuditLogResponseDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId: string | null;
  @ApiProperty({
    description: 'An admin user id, api_key:<key id>, machine:<machine id>, cli, scheduler or the user themself',
    example: 'cli',
  })
  actor: string;
  @ApiProperty({ enum: AuditAction, enumName: 'AuditAction', description: 'What happened' }) action: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(row: AuditLogEntity): AuditLogResponseDto {
    return Object.assign(new AuditLogResponseDto(), {
      id: String(row.id),
      userId: row.userId,
      actor: row.actor,
      action: row.action,
      details: row.details,
      createdAt: row.createdAt.toISOString(),
    });
  }
}

export class AuditPageResponseDto {
  @ApiProperty({ type: [AuditLogResponseDto] }) items: AuditLogResponseDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;

  static from(page: AuditPage): AuditPageResponseDto {
    return Object.assign(new AuditPageResponseDto(), { ...page, items: page.items.map(AuditLogResponseDto.from) });
  }
}
