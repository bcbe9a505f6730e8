import { Injectable } from '@nestjs/common';
import type { ClerkUser } from '../clerk/clerk.gateway.js';
import type { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/**
 * Who a Clerk account provably belongs to here. `match`: an unlinked local user named by the
 * account's `external_id`, or (when linking by email is on) holding its verified primary email.
 * `claimed`: the `external_id` names a local user, but one linked to another account, or a user_id no
 * row has any more: the account was ours once, so it is no new person's. `none`: nobody here.
 */
export type AccountOwner =
  { kind: 'match'; user: UserEntity; matchedBy: 'external_id' | 'verified_email' } | { kind: 'claimed' } | { kind: 'none' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one place the linking rules live: first sign-in, the `user.created` webhook and `sync` all ask here. */
@Injectable()
export class ClerkAccountOwners {
  constructor(private readonly users: UsersRepository) {}

  async find(clerkUser: ClerkUser, linkByVerifiedEmail: boolean): Promise<AccountOwner> {
    if (clerkUser.externalId && UUID.test(clerkUser.externalId)) {
      const byExternalId = await this.users.findById(clerkUser.externalId);
      if (byExternalId && byExternalId.clerkUserId === null) return { kind: 'match', user: byExternalId, matchedBy: 'external_id' };
      if (byExternalId?.clerkUserId !== clerkUser.id) return { kind: 'claimed' };
    }
    const email = verifiedPrimaryEmail(clerkUser);
    if (linkByVerifiedEmail && email) {
      const byEmail = await this.users.findByEmail(email);
      if (byEmail && byEmail.clerkUserId === null) return { kind: 'match', user: byEmail, matchedBy: 'verified_email' };
    }
    return { kind: 'none' };
  }
}

/** The account's primary email when Clerk has verified it, else null. */
export function verifiedPrimaryEmail(clerkUser: ClerkUser): string | null {
  const primary = clerkUser.emails.find((email) => email.address.toLowerCase() === clerkUser.primaryEmail);
  return primary?.verified ? clerkUser.primaryEmail : null;
}
