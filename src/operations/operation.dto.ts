import { ApiProperty } from '@nestjs/swagger';
import {
  OPERATION_KINDS,
  OPERATION_STATUSES,
  type MigrationOperation,
  type OperationKind,
  type OperationStatus,
  type StartedOperationView,
} from './operation.js';

export class StartedOperationDto implements StartedOperationView {
  @ApiProperty({ format: 'uuid' }) operationId: string;
  @ApiProperty({ enum: OPERATION_KINDS }) kind: OperationKind;
  @ApiProperty({ enum: OPERATION_STATUSES, example: 'running' }) status: OperationStatus;
  @ApiProperty({ example: '/migration/operations/0b5f…', description: 'Poll this until status is no longer running' })
  statusUrl: string;
}

export class MigrationOperationDto implements MigrationOperation {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: OPERATION_KINDS }) kind: OperationKind;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The run a rollback undoes; null for a clean-up' })
  runId: string | null;
  @ApiProperty({
    enum: OPERATION_STATUSES,
    description: 'interrupted: the process doing it stopped before it ended (its lease is gone); run it again to finish',
  })
  status: OperationStatus;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { deleteClerkUsers: true } }) options: Record<string, unknown>;
  @ApiProperty({ description: 'Users handled so far, updated after each page' }) done: number;
  @ApiProperty({ description: 'Users to handle, counted when it started' }) total: number;
  @ApiProperty({ description: 'An admin user id, api_key:<key id>, machine:<machine id> or cli' }) startedBy: string;
  @ApiProperty({ nullable: true, type: String, description: 'The email of the admin startedBy names; null for the CLI and machines' })
  startedByEmail: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'Once completed: the rollback report (RollbackReportDto) or the clean-up report (CleanupReportDto)',
  })
  report: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, example: 'lock_lost' }) errorCode: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
}
