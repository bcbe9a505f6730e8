import type { ClerkUser } from '../clerk/clerk.gateway.js';
import { splitName } from '../clerk/name-splitter.js';
import type { UserEntity } from '../users/user.entity.js';
import type { ProfileChanges } from '../users/users.service.js';

/** The role Clerk gives: `public_metadata.role` when a non-empty string. `unsafe_metadata` is the user's own, never read. */
export function clerkRole(user: ClerkUser): string | null {
  const role = user.publicMetadata.role;
  return typeof role === 'string' && role.trim() !== '' ? role.trim() : null;
}

/** The name Clerk gives: first and last name, or the email's local part when Clerk has neither. */
export function clerkName(user: ClerkUser, email: string): string {
  const name = [user.firstName, user.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ');
  return name || email.split('@')[0];
}

/**
 * What a linked row must change to follow Clerk. The name counts as the same when splitting the
 * row's name the way the migrator did gives Clerk's first and last name, so a migrated "Anna
 * Maria de la Cruz" is not rewritten. A role Clerk does not set leaves the local one alone.
 */
export function driftOf(row: UserEntity, user: ClerkUser): ProfileChanges {
  const changes: ProfileChanges = {};
  const email = user.primaryEmail;
  if (email && email !== row.email.toLowerCase()) changes.email = email;
  const name = clerkName(user, email ?? row.email);
  if (!sameName(row.name, user, name)) changes.name = name;
  const role = clerkRole(user);
  if (role && role !== row.role) changes.role = role;
  return changes;
}

function sameName(local: string, user: ClerkUser, wanted: string): boolean {
  const first = user.firstName?.trim() || null;
  const last = user.lastName?.trim() || null;
  if (!first && !last) return local.trim() === wanted;
  const split = splitName(local);
  return split.firstName === first && split.lastName === last;
}
