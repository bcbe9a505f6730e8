import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../common/json-object.js';

export const RUN_KINDS = ['dry_run', 'single', 'all', 'sweep', 'login', 'resend_invites'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** `open`: the day's standing trickle run, which takes logins' items until the next day closes it. */
export const RUN_STATUSES = ['open', 'running', 'completed', 'completed_with_errors', 'failed', 'interrupted', 'rolled_back'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The ways a run ends: every status but those of a run still taking users. */
export const RUN_END_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter((status) => status !== 'open' && status !== 'running');

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

  /**
   * Touched every second while the run works. This version judges a run by the lease it names
   * (`lease_holder`); the previous one, by this heartbeat: kept while both may run.
   */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt: Date | null;

  /** The database session that sent the last heartbeat: gone with it, a silent run is dead sooner. */
  @Column({ name: 'heartbeat_pid', type: 'int', nullable: true })
  heartbeatPid: number | null;

  /** Not a column: the email of the admin `startedBy` names, looked up when runs are read for people. */
  startedByEmail?: string | null;
  /** Clerk requests the run made (each attempt), 429s among them, and retries; written with its heartbeat. */
  @Column({ name: 'clerk_requests', type: 'int', default: 0 })
  clerkRequests: number;

  @Column({ name: 'clerk_rate_limited', type: 'int', default: 0 })
  clerkRateLimited: number;

  @Column({ name: 'clerk_retries', type: 'int', default: 0 })
  clerkRetries: number;

  /** `CLERK_RATE_LIMIT` of the process that ran it; null for runs that counted nothing (older ones). */
  @Column({ name: 'clerk_budget_per_second', type: 'real', nullable: true })
  clerkBudgetPerSecond: number | null;

  /** When those counts were written. */
  @Column({ name: 'clerk_counted_at', type: 'timestamptz', nullable: true })
  clerkCountedAt: Date | null;

  /** Names a run that must exist once in the fleet: `login:<day>`, `sweep:<slot>`. */
  @Column({ name: 'standing_key', type: 'varchar', nullable: true })
  standingKey: string | null;
}
