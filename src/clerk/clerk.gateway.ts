import type { ClerkPasswordImport } from '../passwords/password-formats.js';

/** A Clerk user in our terms; nothing of the SDK leaks past the gateway. */
export interface ClerkUser {
  id: string;
  externalId: string | null;
  /** Lower-cased, as Clerk stores it; null when the user has no primary email. */
  primaryEmail: string | null;
  emails: { address: string; verified: boolean }[];
  firstName: string | null;
  lastName: string | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch: the account's version, which orders its webhook events. */
  updatedAt: number;
  lastSignInAt: number | null;
  /** Writable only with the secret key (or Clerk's dashboard), so it may carry a role; `unsafe_metadata` is never read. */
  publicMetadata: Record<string, unknown>;
  /** Readable only with the secret key; the migrator keeps its ownership marker here. */
  privateMetadata: Record<string, unknown>;
}

export interface CreateClerkUserInput {
  /** Our internal `users.user_id`; Clerk keeps it as `external_id`, the key for idempotency. */
  externalId: string;
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  /** The digest and its hasher (`bcrypt`, `argon2id`, `phpass`, …), imported so the person keeps their password. */
  password?: ClerkPasswordImport | null;
  publicMetadata?: Record<string, unknown>;
  /** Never shown to the user; it proves which tool and run made the account. */
  privateMetadata?: Record<string, unknown>;
  /** When the person signed up, kept as Clerk's `created_at`. */
  createdAt?: Date;
}

export interface CreateClerkInvitationInput {
  email: string;
  redirectUrl?: string;
  notify: boolean;
  ignoreExisting: boolean;
  publicMetadata?: Record<string, unknown>;
  /**
   * The longest the call may wait for the invitations class (a full hour's window, a 429's pause);
   * longer, nothing is sent and it throws `class_paused` with `retryAfterSeconds` (and `retryAfterMs`,
   * exact under `CLERK_LIMITS_TIME_SCALE`). Unset: it waits.
   */
  maxWaitMs?: number;
}

export interface InvitationPace {
  requests: number;
  windowSeconds: number;
}

export interface ClerkInvitation {
  id: string;
  email: string;
  status: string;
  createdAt: number;
}

export interface VerifiedSession {
  clerkUserId: string;
  sessionId: string | null;
  claims: Record<string, unknown>;
}

/** An API key or M2M token Clerk vouched for; never its secret. */
export interface VerifiedMachineToken {
  kind: 'api_key' | 'm2m_token';
  /** `ak_…` or `mt_…`: the token's id, safe to log and to name as an actor. */
  id: string;
  /** Whom it belongs to: `user_…` or `org_…` for an API key, the machine `mch_…` for an M2M token. */
  subject: string;
  name: string | null;
  scopes: string[];
  claims: Record<string, unknown>;
  /** Milliseconds since the epoch; null: it does not expire. */
  expiresAt: number | null;
}

/** Clerk's `GET /v1/users` takes up to 100 values per filter. */
export const MAX_LOOKUP_BATCH = 100;

/**
 * The port to Clerk, and its injection token. Every method throws `ClerkGatewayError` (its `kind`
 * tells the caller what to do); `verifySessionToken` throws `SessionTokenError`, `verifyApiKey` and `verifyM2mToken` `MachineTokenError`.
 */
export abstract class ClerkGateway {
  /** Whether a secret key is set: without one, every Backend API call fails with `not_configured`. */
  abstract isConfigured(): boolean;
  /** Creates the user with a verified email; after an uncertain failure it reconciles by `externalId`. */
  abstract createUser(input: CreateClerkUserInput): Promise<ClerkUser>;
  /** Users owning any of up to 100 emails (case-insensitive). */
  abstract findUsersByEmails(emails: string[]): Promise<ClerkUser[]>;
  /** Users with any of up to 100 external ids. */
  abstract findUsersByExternalIds(externalIds: string[]): Promise<ClerkUser[]>;
  abstract findUserByExternalId(externalId: string): Promise<ClerkUser | null>;
  /** Null when Clerk has no such user. */
  abstract getUser(clerkUserId: string): Promise<ClerkUser | null>;
  /** How many users the instance holds. */
  abstract countUsers(): Promise<number>;
  /** A page of every user, oldest first (offset paging, so a sign-up during the walk lands at the end). */
  abstract listUsers(page: { offset: number; limit: number }): Promise<ClerkUser[]>;
  /** Sets the account's `external_id`; null when Clerk has no such user. */
  abstract setExternalId(clerkUserId: string, externalId: string): Promise<ClerkUser | null>;
  /** True when deleted, false when Clerk had no such user. */
  abstract deleteUser(clerkUserId: string): Promise<boolean>;
  /**
   * Sent once, never retried, and a 429 is reported at once (`rate_limited`, with `retryAfterSeconds`),
   * pausing the `invitations` class and no other call: the invitation outbox decides when to try again, and reconciles
   * an answer that was lost (`transient`) with `findInvitationsByEmail` rather than sending twice.
   */
  abstract createInvitation(input: CreateClerkInvitationInput): Promise<ClerkInvitation>;
  /**
   * Up to 10 invitations in one `POST /v1/invitations/bulk` (25 such requests an hour: 250 people).
   * Clerk refuses the whole batch when any email already has a user; sent once, never retried.
   */
  abstract createInvitationsInBulk(inputs: CreateClerkInvitationInput[]): Promise<ClerkInvitation[]>;
  /**
   * The pace `createInvitation` is held to for the whole fleet: `requests` per `windowSeconds`
   * (`CLERK_INVITATIONS_PER_HOUR` less our margin at Clerk's figure, the window divided by
   * `CLERK_LIMITS_TIME_SCALE`); a burst up to `requests`, then one as each old send leaves the window.
   */
  abstract invitationPace(): InvitationPace;
  /** Seconds until `count` more invitations could all have gone, none before `notBeforeMs` from now: the window as it stands, then its pace. */
  abstract invitationBacklogSeconds(count: number, notBeforeMs?: number): Promise<number>;
  /** The instance's invitations (revoked ones aside, as Clerk lists them) for exactly this email. */
  abstract findInvitationsByEmail(email: string): Promise<ClerkInvitation[]>;
  /** True when revoked now; false when it was no longer pending (accepted, revoked, expired) or is unknown. */
  abstract revokeInvitation(invitationId: string): Promise<boolean>;
  abstract verifySessionToken(token: string): Promise<VerifiedSession>;
  /** A Clerk API key (`ak_…`); a refused one throws `MachineTokenError`. */
  abstract verifyApiKey(secret: string): Promise<VerifiedMachineToken>;
  /** A Clerk M2M token, opaque (`mt_…`) or JWT; a refused one throws `MachineTokenError`. */
  abstract verifyM2mToken(token: string): Promise<VerifiedMachineToken>;
}
