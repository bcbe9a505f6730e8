import { describe, expect, it } from '@jest/globals';
import { decideRollback, isUnmarkedCreation, type RollbackSubject } from './rollback-decision.js';

const subject = (overrides: Partial<RollbackSubject> = {}): RollbackSubject => ({
  clerkUserId: 'user_run',
  currentLink: 'user_run',
  hasPassword: true,
  ownedByRun: true,
  recordedAsCreated: true,
  alreadyDeleted: false,
  invitationToRevoke: false,
  ...overrides,
});

describe('decideRollback', () => {
  it('unlinks, and deletes only on request an account carrying the run’s marker', () => {
    expect(decideRollback(subject(), false)).toEqual({ kind: 'undo', unlink: true, deleteAccount: false, revokeInvitation: false });
    expect(decideRollback(subject(), true)).toEqual({ kind: 'undo', unlink: true, deleteAccount: true, revokeInvitation: false });
    expect(decideRollback(subject({ ownedByRun: false }), true)).toMatchObject({ kind: 'undo', deleteAccount: false });
  });

  it('keeps account and link of a person with no password hash left, whatever the flags', () => {
    expect(decideRollback(subject({ hasPassword: false }), true)).toEqual({ kind: 'kept' });
    expect(decideRollback(subject({ hasPassword: false }), false)).toEqual({ kind: 'kept' });
    expect(decideRollback(subject({ hasPassword: false, currentLink: null }), true)).toEqual({ kind: 'kept' });
  });

  it('deletes the run’s account of a person without a password who is linked to another account meanwhile', () => {
    expect(decideRollback(subject({ hasPassword: false, currentLink: 'user_other' }), true)).toEqual({
      kind: 'undo',
      unlink: false,
      deleteAccount: true,
      revokeInvitation: false,
    });
  });

  it('leaves a person whose link changed alone when there is nothing to delete', () => {
    expect(decideRollback(subject({ currentLink: 'user_other' }), false)).toEqual({ kind: 'left_alone' });
    expect(decideRollback(subject({ currentLink: null, ownedByRun: false }), true)).toEqual({ kind: 'left_alone' });
  });

  it('finishes the unlink of an account an earlier attempt already deleted', () => {
    expect(decideRollback(subject({ hasPassword: false, alreadyDeleted: true }), true)).toEqual({
      kind: 'undo',
      unlink: true,
      deleteAccount: false,
      revokeInvitation: false,
    });
  });

  it('revokes the invitation only along with the link it belongs to', () => {
    expect(decideRollback(subject({ invitationToRevoke: true }), false)).toMatchObject({ revokeInvitation: true });
    const moved = subject({ invitationToRevoke: true, currentLink: 'user_other' });
    expect(decideRollback(moved, true)).toMatchObject({ revokeInvitation: false });
  });
});

describe('isUnmarkedCreation', () => {
  it('flags an account recorded as created that lacks the run’s marker, only when deleting', () => {
    expect(isUnmarkedCreation(subject({ ownedByRun: false }), true)).toBe(true);
    expect(isUnmarkedCreation(subject({ ownedByRun: false }), false)).toBe(false);
    expect(isUnmarkedCreation(subject(), true)).toBe(false);
    expect(isUnmarkedCreation(subject({ ownedByRun: false, recordedAsCreated: false }), true)).toBe(false);
  });
});
