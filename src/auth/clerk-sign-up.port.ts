import type { ClerkUser } from '../clerk/clerk.gateway.js';
import type { UserEntity } from '../users/user.entity.js';

/** What became of a Clerk account that nobody here owns: a new user, or why not. */
export type SignUpOutcome =
  { user: UserEntity } | { refused: 'sign_ups_refused' | 'no_verified_email' | 'email_conflict' | 'deleted_at_clerk' };

/**
 * A person who signed up at Clerk and is linked to nobody, not provably a legacy user: their first
 * request may give them a `users` row (`CLERK_SIGN_UPS`). The sync module provides it; auth only
 * knows this port.
 */
export abstract class ClerkSignUps {
  abstract provision(clerkUser: ClerkUser): Promise<SignUpOutcome>;
}
