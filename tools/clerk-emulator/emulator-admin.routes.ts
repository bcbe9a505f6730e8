import { clerkErrors } from './emulator-errors.js';
import type { FaultInjector } from './emulator-faults.js';
import { checkClerkPassword, isInsecureHasher } from './emulator-password-check.js';
import type { EmulatorRateLimiter } from './emulator-rate-limiter.js';
import { invitationJson, userJson } from './emulator-serializers.js';
import { mintSessionToken, type SessionTokenOptions } from './emulator-sessions.js';
import type { SigningKey } from './emulator-signing-keys.js';
import type { EmulatorStore } from './emulator-store.js';
import type { EmulatorWebhooks } from './emulator-webhooks.js';
import type { RateLimitSettings, StoredUser } from './emulator.types.js';
import {
  asBody,
  emailList,
  optionalBoolean,
  optionalName,
  optionalString,
  passwordDigest,
  plainPassword,
  type Body,
} from './emulator-validation.js';

/** Everything the test-only side of the emulator reaches. */
export interface EmulatorInternals {
  store: EmulatorStore;
  limiter: EmulatorRateLimiter;
  faults: FaultInjector;
  keys: { instance: SigningKey; foreign: SigningKey };
  issuer: string;
  webhooks: EmulatorWebhooks;
  requestCounts(): Record<string, Record<string, number>>;
  reset(): void;
}

export interface SignInResult {
  userId: string;
  sessionId: string;
  token: string;
}

/** A user as the test sees it: Clerk's JSON plus the stored digest and its hasher, which Clerk never returns. */
export function inspectUser(user: StoredUser) {
  return { ...userJson(user), password_digest: user.password?.digest ?? null, password_hasher: user.password?.hasher ?? null };
}

/** Creates a user directly, bypassing Backend API rules a test wants to break (e.g. an unverified email). */
export function seedUser(internals: EmulatorInternals, body: Body): StoredUser {
  const plain = optionalString(body, 'password');
  const user = internals.store.createUser({
    emails: emailList(body, 'email_address'),
    verified: optionalBoolean(body, 'verified', true),
    externalId: optionalString(body, 'external_id'),
    firstName: optionalName(body, 'first_name'),
    lastName: optionalName(body, 'last_name'),
    password: typeof plain === 'string' ? plainPassword(plain) : passwordDigest(body),
  });
  internals.webhooks.userCreated(user);
  return user;
}

/**
 * Password sign-in as Clerk's Frontend API would do it, against the stored (possibly imported)
 * digest, checked with the emulator's own implementation of its hasher (`emulator-password-check.ts`).
 */
export async function signIn(internals: EmulatorInternals, email: string, password: string, azp?: string): Promise<SignInResult> {
  const user = internals.store.findByEmail(email);
  if (!user) throw clerkErrors.identifierNotFound();
  const address = user.emails.find((e) => e.address === email.toLowerCase());
  const stored = user.password;
  if (!address?.verified || stored === null || !(await checkClerkPassword(stored.hasher, stored.digest, password))) {
    throw clerkErrors.passwordIncorrect();
  }
  const rehash = isInsecureHasher(stored.hasher) ? plainPassword(password) : undefined;
  internals.store.update(user.id, { lastSignInAt: Date.now(), password: rehash });
  const { token, sessionId } = mintSessionToken(internals.keys, internals.issuer, { sub: user.id, azp }, Date.now());
  internals.webhooks.sessionCreated(user, sessionId);
  return { userId: user.id, sessionId, token };
}

export function mintToken(internals: EmulatorInternals, options: SessionTokenOptions): string {
  return mintSessionToken(internals.keys, internals.issuer, options, Date.now()).token;
}

type AdminHandler = (internals: EmulatorInternals, body: Body) => unknown;

const adminRoutes: Record<string, AdminHandler> = {
  'GET /__emulator/users': ({ store }) => ({ users: store.all().map(inspectUser) }),
  'POST /__emulator/users': (internals, body) => inspectUser(seedUser(internals, body)),
  'GET /__emulator/invitations': ({ store }) => ({ invitations: store.allInvitations().map(invitationJson) }),
  'GET /__emulator/requests': (internals) => ({ counts: internals.requestCounts() }),
  'POST /__emulator/reset': (internals) => {
    internals.reset();
    return { reset: true };
  },
  'PUT /__emulator/faults': ({ faults }, body) => faults.configure(body),
  'PUT /__emulator/rate-limit': ({ limiter }, body) => {
    limiter.configure(body as unknown as RateLimitSettings);
    return limiter.current();
  },
  'POST /__emulator/sign-in': async (internals, body) => {
    const result = await signIn(internals, String(body.email ?? ''), String(body.password ?? ''), optionalString(body, 'azp') ?? undefined);
    return { user_id: result.userId, session_id: result.sessionId, token: result.token };
  },
  'POST /__emulator/tokens': (internals, body) => ({ token: mintToken(internals, body as unknown as SessionTokenOptions) }),
  'GET /__emulator/keys': ({ keys, issuer }) => ({
    kid: keys.instance.kid,
    public_key_pem: keys.instance.publicKeyPem,
    foreign_kid: keys.foreign.kid,
    issuer,
  }),
};

/** Test-only endpoints under `/__emulator`; never rate limited, faulted or authenticated. Sign-in answers a promise. */
export function handleAdmin(internals: EmulatorInternals, method: string, path: string, rawBody: unknown): unknown {
  const handler = adminRoutes[`${method} ${path}`];
  if (!handler) throw clerkErrors.notFound();
  return handler(internals, asBody(rawBody));
}
