import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page-query.dto.js';
import { AuditAction } from './audit-action.js';

export class AuditQueryDto extends PageQuery({ defaultLimit: 50, maxLimit: 500 }) {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'The rows of the user with this email (case-insensitive)', example: 'test@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  // Documented as the enum; any other string is taken too and simply matches nothing.
  @ApiPropertyOptional({ enum: AuditAction, enumName: 'AuditAction', example: AuditAction.UserCreated })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ example: 'cli' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ description: 'Inclusive lower bound (ISO 8601).', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'Exclusive upper bound (ISO 8601).', type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}
