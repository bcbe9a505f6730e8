/** Everything a rollback weighs about one person of the run, gathered before anything changes. */
export interface RollbackSubject {
  /** The Clerk account the run is answerable for: the one it linked, or one carrying its marker. */
  clerkUserId: string;
  /** Where the person's link points now. */
  currentLink: string | null;
  /** The person still has a password hash, so legacy login lets them in without Clerk. */
  hasPassword: boolean;
  /** The account carries this run's ownership marker: the run made it and may delete it. */
  ownedByRun: boolean;
  /** The run's records say it created the account (without the marker, that alone proves nothing). */
  recordedAsCreated: boolean;
  /** An earlier attempt of this rollback already deleted the account. */
  alreadyDeleted: boolean;
  /** An invitation the run sent is on record and has not been revoked yet. */
  invitationToRevoke: boolean;
}

export type RollbackDecision =
  /** The link changed since the run and there is nothing of the run's left to remove. */
  | { kind: 'left_alone' }
  /** Removing the link or the account would leave the person with no way in: both stay. */
  | { kind: 'kept' }
  | {
      kind: 'undo';
      /** The person's link still points at the run's account: clear it. */
      unlink: boolean;
      deleteAccount: boolean;
      revokeInvitation: boolean;
    };

/**
 * What a rollback does with one person. Nobody is stranded: without a password hash and without
 * another Clerk account linked, the run's account is their only way in, so it is neither unlinked
 * nor deleted, whatever the flags. Only an account with the run's marker is ever deleted.
 */
export function decideRollback(subject: RollbackSubject, deleteClerkUsers: boolean): RollbackDecision {
  const linked = subject.currentLink === subject.clerkUserId;
  const deleteAccount = deleteClerkUsers && subject.ownedByRun && !subject.alreadyDeleted;
  if (!linked && !deleteAccount) return { kind: 'left_alone' };
  const otherWayIn = subject.hasPassword || (subject.currentLink !== null && !linked);
  if (!otherWayIn && !subject.alreadyDeleted) return { kind: 'kept' };
  return { kind: 'undo', unlink: linked, deleteAccount, revokeInvitation: linked && subject.invitationToRevoke };
}

/** An account the run's records call created, that it may not delete because it lacks the run's marker. */
export function isUnmarkedCreation(subject: RollbackSubject, deleteClerkUsers: boolean): boolean {
  return deleteClerkUsers && subject.recordedAsCreated && !subject.ownedByRun && !subject.alreadyDeleted;
}
