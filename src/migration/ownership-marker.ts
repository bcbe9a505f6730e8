import type { ClerkUser } from '../clerk/clerk.gateway.js';

/** The tool's name in the marker; an account without it was made by someone else. */
export const MIGRATED_BY = 'clerk-migrate';

/**
 * Written into the `private_metadata` of every account the migrator creates. It survives a lost
 * answer: whoever later links the account, it still says which run made it, so that run's rollback
 * (and only that run's) may delete it.
 */
export function ownershipMarker(runId: string): { migratedBy: string; runId: string } {
  return { migratedBy: MIGRATED_BY, runId };
}

/** The run that created this account, when it carries our marker; null otherwise. */
export function creatorRunOf(account: Pick<ClerkUser, 'privateMetadata'> | undefined): string | null {
  const metadata = account?.privateMetadata;
  if (metadata?.migratedBy !== MIGRATED_BY || typeof metadata.runId !== 'string') return null;
  return metadata.runId;
}
