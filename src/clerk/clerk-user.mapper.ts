import type { Invitation, User } from '@clerk/backend';
import type { ClerkInvitation, ClerkUser } from './clerk.gateway.js';

export function toClerkUser(user: User): ClerkUser {
  const primary = user.emailAddresses.find((e) => e.id === user.primaryEmailAddressId);
  return {
    id: user.id,
    externalId: user.externalId ?? null,
    primaryEmail: primary?.emailAddress.toLowerCase() ?? null,
    emails: user.emailAddresses.map((e) => ({
      address: e.emailAddress.toLowerCase(),
      verified: e.verification?.status === 'verified',
    })),
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    createdAt: user.createdAt,
    lastSignInAt: user.lastSignInAt ?? null,
    privateMetadata: { ...(user.privateMetadata ?? {}) },
  };
}

export function toClerkInvitation(invitation: Invitation): ClerkInvitation {
  return { id: invitation.id, email: invitation.emailAddress, status: invitation.status, createdAt: invitation.createdAt };
}
