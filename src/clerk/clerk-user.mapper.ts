import type { Invitation, User, UserJSON } from '@clerk/backend';
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
    updatedAt: user.updatedAt,
    lastSignInAt: user.lastSignInAt ?? null,
    publicMetadata: { ...(user.publicMetadata ?? {}) },
    privateMetadata: { ...(user.privateMetadata ?? {}) },
  };
}

/** The same from Clerk's JSON (a webhook's `data`), which the SDK's classes are not built from here. */
export function clerkUserFromJson(json: UserJSON): ClerkUser {
  const emails = Array.isArray(json.email_addresses) ? json.email_addresses : [];
  const primary = emails.find((e) => e.id === json.primary_email_address_id);
  return {
    id: json.id,
    externalId: json.external_id ?? null,
    primaryEmail: primary?.email_address.toLowerCase() ?? null,
    emails: emails.map((e) => ({ address: e.email_address.toLowerCase(), verified: e.verification?.status === 'verified' })),
    firstName: json.first_name ?? null,
    lastName: json.last_name ?? null,
    createdAt: json.created_at,
    updatedAt: json.updated_at ?? json.created_at,
    lastSignInAt: json.last_sign_in_at ?? null,
    publicMetadata: { ...(json.public_metadata ?? {}) },
    privateMetadata: { ...(json.private_metadata ?? {}) },
  };
}

export function toClerkInvitation(invitation: Invitation): ClerkInvitation {
  return { id: invitation.id, email: invitation.emailAddress, status: invitation.status, createdAt: invitation.createdAt };
}
