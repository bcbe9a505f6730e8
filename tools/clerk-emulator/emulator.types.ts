import type { ClerkPasswordImport } from '../../src/passwords/password-formats.js';

export type KeyType = 'live' | 'test';

export interface RateLimitRule {
  requests: number;
  windowMs: number;
}

/** Per secret-key type; `null` for a type means that type is not limited. */
export interface RateLimitSettings {
  live: RateLimitRule | null;
  test: RateLimitRule | null;
}

export type FaultKind = 'error_5xx' | 'drop' | 'lost_response' | 'rate_limit' | 'stale_read';

/** Shares of requests (0..1) that meet each fault, drawn at random per request. */
export interface FaultRates {
  errorRate5xx: number;
  dropRate: number;
  lostResponseRate: number;
}

export interface QueuedFault {
  kind: FaultKind;
  /** `"POST /v1/users"`; unset: any Backend API route but the JWKS. */
  route?: string;
  retryAfterSeconds?: number;
}

export interface StoredEmail {
  id: string;
  address: string;
  verified: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface StoredUser {
  id: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  emails: StoredEmail[];
  primaryEmailId: string | null;
  /** The digest and the `password_hasher` it was imported with (`bcrypt` for a plain password). */
  password: ClerkPasswordImport | null;
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  unsafeMetadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
}

export interface StoredInvitation {
  id: string;
  emailAddress: string;
  publicMetadata: Record<string, unknown>;
  redirectUrl: string | null;
  notify: boolean;
  status: 'pending' | 'accepted' | 'revoked';
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
}

export interface NewUserData {
  externalId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  emails: string[];
  /** Unverified emails model a pre-existing Clerk account that never confirmed its address. */
  verified?: boolean;
  password?: ClerkPasswordImport | null;
  publicMetadata?: Record<string, unknown>;
  privateMetadata?: Record<string, unknown>;
  unsafeMetadata?: Record<string, unknown>;
  createdAt?: number;
}

export interface UserFilters {
  emails: string[];
  externalIds: string[];
  userIds: string[];
}
