import type { ClerkUser } from '../clerk/clerk.gateway.js';
import type { MigrationStrategy, OnExistingPolicy } from '../config/migration.config.js';
import type { ClerkPasswordHasher, ClerkPasswordImport, PasswordFormats } from '../passwords/password-formats.js';
import type { PlannedAction } from './migration-item.entity.js';

export interface PlanInput {
  userId: string;
  email: string;
  passwordHash: string | null;
}

export interface PlannedUser {
  userId: string;
  email: string;
  action: PlannedAction;
  /** Why, in a stable code: `external_id`, `email`, `duplicate_email`, `unsupported_hash`, `argon2id_digest`, … */
  reason: string;
  /** The existing Clerk account to link, for `link`. */
  clerkUserId?: string;
  /** For `create`: the digest to import, in the form Clerk documents for its hasher, recognised from the hash's shape. */
  password?: ClerkPasswordImport;
}

/** A planned user as reported: the digest to import stays inside the process; its hasher is shown. */
export type PlannedUserView = Omit<PlannedUser, 'password'> & { passwordHasher?: ClerkPasswordHasher };

export function plannedUserView({ password, ...view }: PlannedUser): PlannedUserView {
  return password ? { ...view, passwordHasher: password.hasher } : view;
}

/** What Clerk and our own tables said about a batch, gathered before planning it. */
export interface PlanContext {
  strategy: MigrationStrategy;
  onExisting: OnExistingPolicy;
  /** Clerk users found by the batch's emails, and by external id where we may have created one. */
  clerkUsers: ClerkUser[];
  /** How many local users share each lower-cased email. */
  emailCounts: Map<string, number>;
  /** Clerk ids that some local user is already linked to. */
  clerkIdsLinkedLocally: Set<string>;
  /** The password formats under the configured pepper and Firebase parameters. */
  passwords: PasswordFormats;
  /** Users whose Clerk account was deleted at Clerk: never migrated again (the sync module's record). */
  deletedAtClerk?: Set<string>;
}

// Deliberately plain: one @, no spaces, a dot in the domain, within RFC 5321's 254 characters.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}

/** Decides, without side effects, what the migration will do with each user of a batch. */
export function planBatch(users: PlanInput[], context: PlanContext): PlannedUser[] {
  const byExternalId = new Map(context.clerkUsers.filter((u) => u.externalId).map((u) => [u.externalId!, u]));
  const byEmail = new Map<string, ClerkUser>();
  for (const clerkUser of context.clerkUsers) {
    for (const email of clerkUser.emails) byEmail.set(email.address.toLowerCase(), clerkUser);
  }
  return users.map((user) => planUser(user, context, byExternalId.get(user.userId), byEmail.get(user.email.toLowerCase())));
}

function planUser(user: PlanInput, context: PlanContext, ours: ClerkUser | undefined, sameEmail: ClerkUser | undefined): PlannedUser {
  const base = { userId: user.userId, email: user.email };
  if (context.deletedAtClerk?.has(user.userId)) return { ...base, action: 'skip', reason: 'deleted_at_clerk' };
  if (!isPlausibleEmail(user.email)) return { ...base, action: 'invalid', reason: 'invalid_email' };
  if ((context.emailCounts.get(user.email.toLowerCase()) ?? 1) > 1) return { ...base, action: 'invalid', reason: 'duplicate_email' };
  // A Clerk account that carries our user_id is this person's, whatever its email says now, unless
  // another local user already holds it (linked by email on a sign-in, say): that needs a person.
  if (ours && context.clerkIdsLinkedLocally.has(ours.id)) {
    return { ...base, action: 'skip', reason: 'clerk_account_linked_to_another_user', clerkUserId: ours.id };
  }
  if (ours) return { ...base, action: 'link', reason: 'external_id', clerkUserId: ours.id };
  if (sameEmail) return planExisting(base, sameEmail, user.userId, context);
  if (user.passwordHash === null) return { ...base, action: 'invite', reason: 'no_password' };
  const imported = context.passwords.clerkImport(user.passwordHash);
  // A hash Clerk cannot import is never sent under a wrong hasher; an invitation needs no hash at all.
  // Why not: `unsupported_hash`, or `missing_<VARIABLE>` when the shape's configuration is incomplete.
  const problem = imported ? undefined : (context.passwords.problem(user.passwordHash) ?? 'unsupported_hash');
  if (context.strategy === 'invite') return { ...base, action: 'invite', reason: problem ?? 'strategy_invite' };
  if (!imported) return { ...base, action: 'invalid', reason: problem! };
  return { ...base, action: 'create', reason: `${imported.hasher}_digest`, password: imported };
}

/** The seed's "Email already exists in Clerk": link it when that is safe, never create a second one. */
function planExisting(base: { userId: string; email: string }, existing: ClerkUser, userId: string, context: PlanContext): PlannedUser {
  const skip = (reason: string): PlannedUser => ({ ...base, action: 'skip', reason, clerkUserId: existing.id });
  if (existing.externalId && existing.externalId !== userId) return skip('clerk_account_of_another_user');
  if (context.clerkIdsLinkedLocally.has(existing.id)) return skip('clerk_account_linked_to_another_user');
  if (context.onExisting === 'skip') return skip('exists_in_clerk');
  const email = existing.emails.find((e) => e.address.toLowerCase() === base.email.toLowerCase());
  // An unverified address proves nothing: whoever typed it into Clerk may not own it.
  if (!email?.verified) return skip('clerk_email_unverified');
  return { ...base, action: 'link', reason: 'email', clerkUserId: existing.id };
}
