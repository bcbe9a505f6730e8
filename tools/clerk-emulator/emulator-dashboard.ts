import { inspectUser, type EmulatorInternals, type SignInResult } from './emulator-admin.routes.js';
import { mintSessionToken } from './emulator-sessions.js';
import { deletedUserJson } from './emulator-serializers.js';
import { assertEmail, plainPassword } from './emulator-validation.js';

/**
 * What happens at Clerk outside the Backend API: a person signing up on the product's Clerk page,
 * and an operator editing or deleting a user in Clerk's dashboard. Each emits its webhooks.
 */
export interface SignUpInput {
  email: string;
  password?: string;
  firstName?: string;
  lastName?: string;
  publicMetadata?: Record<string, unknown>;
  unsafeMetadata?: Record<string, unknown>;
  /** A sign-up completes only once its email is verified; `false` models an account that never did. */
  verified?: boolean;
  /** `azp` of the session token. */
  azp?: string;
}

export interface EditUserInput {
  /** Added verified, made primary; the old addresses are removed. */
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  publicMetadata?: Record<string, unknown>;
  unsafeMetadata?: Record<string, unknown>;
}

/** A Clerk-native user (no `external_id`), signed in at once: `user.created`, then `session.created`. */
export function signUp(internals: EmulatorInternals, input: SignUpInput): SignInResult {
  const { store, webhooks } = internals;
  const created = store.createUser({
    emails: [assertEmail(input.email, 'email')],
    verified: input.verified ?? true,
    firstName: input.firstName,
    lastName: input.lastName,
    password: input.password === undefined ? null : plainPassword(input.password),
    publicMetadata: input.publicMetadata,
    unsafeMetadata: input.unsafeMetadata,
  });
  const user = store.update(created.id, { lastSignInAt: created.createdAt });
  webhooks.userCreated(user);
  const { token, sessionId } = mintSessionToken(internals.keys, internals.issuer, { sub: user.id, azp: input.azp }, Date.now());
  webhooks.sessionCreated(user, sessionId);
  return { userId: user.id, sessionId, token };
}

/** A dashboard edit: one `user.updated` for the whole edit. */
export function editUser(internals: EmulatorInternals, id: string, input: EditUserInput) {
  const { store } = internals;
  store.get(id);
  if (input.email !== undefined) store.replaceEmail(id, assertEmail(input.email, 'email'));
  const user = store.update(id, {
    firstName: input.firstName,
    lastName: input.lastName,
    publicMetadata: input.publicMetadata,
    unsafeMetadata: input.unsafeMetadata,
  });
  internals.webhooks.userUpdated(user);
  return inspectUser(user);
}

/** A dashboard deletion: `user.deleted`. */
export function deleteUser(internals: EmulatorInternals, id: string) {
  const user = internals.store.delete(id);
  internals.webhooks.userDeleted(user);
  return deletedUserJson(user);
}
