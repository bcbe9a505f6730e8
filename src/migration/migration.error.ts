import type { HeldLock } from '../locks/migration-lock.js';
import { AppError } from '../common/app-error.js';

export enum MigrationErrorCode {
  RunInProgress = 'run_in_progress',
  RunNotFound = 'run_not_found',
  UserNotFound = 'user_not_found',
  AlreadyOnClerk = 'already_on_clerk',
  ConfirmationRequired = 'confirmation_required',
  ClerkUnauthorized = 'clerk_unauthorized',
  ClerkUnavailable = 'clerk_unavailable',
  DatabaseUnavailable = 'database_unavailable',
  NotRollbackable = 'not_rollbackable',
  Interrupted = 'interrupted',
  LockLost = 'lock_lost',
  SweepAlreadyDone = 'sweep_already_done',
  NothingToSweep = 'nothing_to_sweep',
  NothingToMigrate = 'nothing_to_migrate',
}

export class MigrationError extends AppError {}

/** A change that cannot be taken back lightly runs only when confirmed (`--yes`, `"confirm": true`); a preview needs nothing. */
export function assertConfirmed(request: { dryRun?: boolean; confirm?: boolean }, whatItDoes: string, orElse = ''): void {
  if (request.dryRun || request.confirm) return;
  const message = `${whatItDoes}: confirm it explicitly (--yes, or "confirm": true)${orElse}`;
  throw new MigrationError(400, MigrationErrorCode.ConfirmationRequired, message);
}

/** `start` found nobody left: no run was recorded, and that is not a failure. */
export function isNothingToMigrate(error: unknown): boolean {
  return error instanceof MigrationError && error.code === MigrationErrorCode.NothingToMigrate;
}

/** Work done page by page under the lock calls this between pages: a lost lock ends it there. */
export function assertLockHeld(lock: HeldLock): void {
  if (lock.lost.aborted) {
    throw new MigrationError(
      409,
      MigrationErrorCode.LockLost,
      'The migration lock was lost (its database session ended); stopped, run it again to finish',
    );
  }
}
