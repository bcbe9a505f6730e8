import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What the plan decided for a user. */
export const PLANNED_ACTIONS = ['create', 'invite', 'link', 'skip', 'invalid'] as const;
export type PlannedAction = (typeof PLANNED_ACTIONS)[number];

/**
 * Where a user stands in a run: `pending → creating → created | linked | skipped | failed`;
 * `planned` in a dry run; `rolled_back` once a rollback undid it.
 */
export const ITEM_STATUSES = ['planned', 'pending', 'creating', 'created', 'linked', 'skipped', 'failed', 'rolled_back'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Users of a run that did not end on Clerk: failed, skipped, or left uncertain by a lost answer. */
export const PROBLEM_STATUSES = ['failed', 'skipped', 'creating'] as const satisfies readonly ItemStatus[];

export const INVITATION_STATUSES = ['pending', 'sent', 'failed', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

@Entity({ name: 'migration_items' })
export class MigrationItemEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar' })
  email: string;

  @Column({ type: 'varchar' })
  action: PlannedAction;

  /** Why the plan chose `action`: `bcrypt_digest`, `email`, `duplicate_email`, … */
  @Column({ type: 'varchar', nullable: true })
  reason: string | null;

  @Column({ type: 'varchar' })
  status: ItemStatus;

  @Column({ name: 'clerk_user_id', type: 'varchar', nullable: true })
  clerkUserId: string | null;

  /** True only when this run created the Clerk account: the only ones a rollback may delete. */
  @Column({ name: 'created_in_clerk', type: 'boolean' })
  createdInClerk: boolean;

  /**
   * `pending` once the invitation is queued in the outbox (same transaction); `revoked` by a rollback.
   * Where it stands meanwhile is the outbox's (`src/invitations`), which run reports read.
   */
  @Column({ name: 'invitation_status', type: 'varchar', nullable: true })
  invitationStatus: InvitationStatus | null;

  /** Clerk's id of an invitation sent before the outbox (carried over into it by its migration). */
  @Column({ name: 'invitation_id', type: 'varchar', nullable: true })
  invitationId: string | null;

  @Column({ name: 'error_code', type: 'varchar', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'int' })
  attempts: number;

  @Column({ name: 'rolled_back_at', type: 'timestamptz', nullable: true })
  rolledBackAt: Date | null;

  @Column({ name: 'clerk_deleted_at', type: 'timestamptz', nullable: true })
  clerkDeletedAt: Date | null;

  /** md5 of the email and hash the item was planned from: an invalid user is planned again only once it changes. */
  @Column({ name: 'row_fingerprint', type: 'varchar', nullable: true })
  rowFingerprint: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
