import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../common/json-object.js';

export type RunKind = 'dry_run' | 'single' | 'all' | 'sweep' | 'login' | 'resend_invites';
export type RunStatus = 'running' | 'completed' | 'completed_with_errors' | 'failed' | 'interrupted' | 'rolled_back';

@Entity({ name: 'migration_runs' })
export class MigrationRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar' })
  kind: RunKind;

  @Column({ type: 'varchar' })
  strategy: string;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun: boolean;

  /** An admin's user id, `cli` or `scheduler`. */
  @Column({ name: 'started_by', type: 'varchar' })
  startedBy: string;

  @Column({ type: 'varchar' })
  status: RunStatus;

  /** A `RunOptions`. */
  @Column({ type: 'jsonb' })
  options: JsonObject;

  /** A `RunCounts`, and the dependent rows before and after. */
  @Column({ type: 'jsonb' })
  counts: JsonObject;

  @Column({ name: 'error_code', type: 'varchar', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
