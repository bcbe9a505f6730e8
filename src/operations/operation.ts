export const OPERATION_KINDS = ['rollback', 'cleanup_passwords'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** `interrupted`: the process doing it stopped (its lease in `migration_lock_leases` is gone) before it ended. */
export const OPERATION_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** A rollback or a clean-up as REST and the console read it while it works and once it has ended. */
export interface MigrationOperation {
  id: string;
  kind: OperationKind;
  /** The run a rollback undoes; null for a clean-up. */
  runId: string | null;
  status: OperationStatus;
  /** What was asked, e.g. `{ deleteClerkUsers: true }`. */
  options: Record<string, unknown>;
  /** Users handled so far, updated after each page, of `total` counted when it started. */
  done: number;
  total: number;
  /** The actor as the audit log names it: an admin's user id, `api_key:…`, `machine:…`, `cli`. */
  startedBy: string;
  /** The email of the admin `startedBy` names; null for the CLI and machines. */
  startedByEmail: string | null;
  /** The same report the work's 200 answer used to carry; null until it has ended. */
  report: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** What the work records when it starts. */
export interface NewOperation {
  kind: OperationKind;
  runId: string | null;
  options: Record<string, unknown>;
  total: number;
  startedBy: string;
  /** The lease of the work's hold on the migration lock: while it lives, the work does. */
  leaseHolder: string;
}

/** What an acting rollback or clean-up answers at once (202): where to follow it. */
export interface StartedOperationView {
  operationId: string;
  kind: OperationKind;
  status: OperationStatus;
  statusUrl: string;
}

export function startedOperationView(operation: Pick<MigrationOperation, 'id' | 'kind' | 'status'>): StartedOperationView {
  return { operationId: operation.id, kind: operation.kind, status: operation.status, statusUrl: `/migration/operations/${operation.id}` };
}
