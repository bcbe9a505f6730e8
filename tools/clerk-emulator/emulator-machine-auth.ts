import { randomBytes } from 'node:crypto';
import { clerkErrors } from './emulator-errors.js';
import { clerkId } from './emulator-ids.js';
import { signJwt, type SigningKey } from './emulator-signing-keys.js';

/** Clerk's `cat` header of M2M JWTs; `@clerk/backend` refuses a session token that carries it. */
export const M2M_JWT_CATEGORY = 'cl_B7d4PD333AAA';

export interface StoredApiKey {
  id: string;
  secret: string;
  type: string;
  subject: string;
  name: string;
  description: string | null;
  claims: Record<string, unknown> | null;
  scopes: string[];
  createdBy: string | null;
  revoked: boolean;
  revocationReason: string | null;
  /** Milliseconds since the epoch; null: never expires. */
  expiration: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface StoredM2mToken {
  id: string;
  token: string;
  /** The machine (`mch_…`) the token was issued to. */
  subject: string;
  scopes: string[];
  claims: Record<string, unknown> | null;
  revoked: boolean;
  revocationReason: string | null;
  expiration: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewApiKey {
  subject: string;
  name: string;
  description?: string | null;
  claims?: Record<string, unknown> | null;
  scopes?: string[];
  createdBy?: string | null;
  secondsUntilExpiration?: number | null;
}

export interface NewM2mToken {
  /** Unset: a new machine id. */
  machineId?: string;
  secondsUntilExpiration?: number | null;
  claims?: Record<string, unknown> | null;
  /** Machine ids the token may reach, as Clerk keeps them. */
  scopes?: string[];
  /** `jwt`: a stateless RS256 JWT signed with the instance key, verified by the SDK against the JWKS. */
  tokenFormat?: 'opaque' | 'jwt';
  /** Milliseconds since the epoch; a test control to mint a token from the past (already expired). */
  createdAt?: number;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * API keys and M2M tokens of the emulated instance, in memory: issue, list, revoke and verify as
 * Clerk's Backend API does (`APIKey`, `M2MToken` in the spec). Verifying an unknown, revoked or
 * expired secret is a 404, which `@clerk/backend` reports as an invalid token.
 */
export class EmulatorMachineAuth {
  private readonly apiKeys = new Map<string, StoredApiKey>();
  private readonly m2mTokens = new Map<string, StoredM2mToken>();

  constructor(
    private readonly signing: { key: SigningKey; issuer: string },
    private readonly now: () => number = Date.now,
  ) {}

  createApiKey(input: NewApiKey): StoredApiKey {
    if (!/^(user|org|mch)_\w+$/.test(input.subject))
      throw clerkErrors.paramInvalid('subject', 'must be a user, organization or machine id');
    if (input.name.trim().length < 3) throw clerkErrors.paramInvalid('name', 'must be at least 3 characters');
    const at = this.now();
    const seconds = input.secondsUntilExpiration ?? null;
    const key: StoredApiKey = {
      id: `ak_${hex(16)}`,
      secret: `ak_${randomBytes(30).toString('base64url')}`,
      type: 'api_key',
      subject: input.subject,
      name: input.name,
      description: input.description ?? null,
      claims: input.claims ?? null,
      scopes: input.scopes ?? [],
      createdBy: input.createdBy ?? null,
      revoked: false,
      revocationReason: null,
      expiration: seconds === null ? null : at + seconds * 1000,
      lastUsedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    this.apiKeys.set(key.id, key);
    return key;
  }

  listApiKeys(subject: string, includeInvalid: boolean): StoredApiKey[] {
    return [...this.apiKeys.values()]
      .filter((key) => key.subject === subject && (includeInvalid || this.isLive(key)))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  revokeApiKey(id: string, reason: string | null): StoredApiKey {
    return this.revoke(this.apiKeys.get(id), reason);
  }

  verifyApiKey(secret: string): StoredApiKey {
    return this.used([...this.apiKeys.values()].find((candidate) => candidate.secret === secret));
  }

  createM2mToken(input: NewM2mToken = {}): StoredM2mToken & { format: 'opaque' | 'jwt' } {
    const at = input.createdAt ?? this.now();
    const seconds = input.secondsUntilExpiration ?? null;
    const stored: StoredM2mToken = {
      id: `mt_${hex(16)}`,
      token: `mt_${randomBytes(30).toString('base64url')}`,
      subject: input.machineId ?? clerkId('mch'),
      scopes: input.scopes ?? [],
      claims: input.claims ?? null,
      revoked: false,
      revocationReason: null,
      expiration: seconds === null ? null : at + seconds * 1000,
      lastUsedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    if (input.tokenFormat === 'jwt') return { ...stored, token: this.m2mJwt(stored), format: 'jwt' };
    this.m2mTokens.set(stored.id, stored);
    return { ...stored, format: 'opaque' };
  }

  /** Clerk's M2M JWT: `sub` the machine, `jti` the token id, scopes space-separated, custom claims on top. */
  private m2mJwt(token: StoredM2mToken): string {
    const iat = Math.floor(token.createdAt / 1000);
    const payload = {
      ...token.claims,
      iss: this.signing.issuer,
      sub: token.subject,
      jti: token.id,
      iat,
      nbf: iat - 5,
      exp: token.expiration === null ? iat + 3600 : Math.floor(token.expiration / 1000),
      ...(token.scopes.length > 0 && { scopes: token.scopes.join(' ') }),
    };
    return signJwt(this.signing.key, payload, { cat: M2M_JWT_CATEGORY });
  }

  listM2mTokens(subject: string, revoked: boolean, expired: boolean): StoredM2mToken[] {
    return [...this.m2mTokens.values()]
      .filter((t) => t.subject === subject && (revoked || !t.revoked) && (expired || !this.hasExpired(t)))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  revokeM2mToken(id: string, reason: string | null): StoredM2mToken {
    return this.revoke(this.m2mTokens.get(id), reason);
  }

  verifyM2mToken(secret: string): StoredM2mToken {
    return this.used([...this.m2mTokens.values()].find((candidate) => candidate.token === secret));
  }

  /** Keys and tokens are revoked alike: an unknown id is 404, a revoked one stays revoked. */
  private revoke<T extends StoredApiKey | StoredM2mToken>(record: T | undefined, reason: string | null): T {
    if (!record) throw clerkErrors.notFound();
    return Object.assign(record, { revoked: true, revocationReason: reason, updatedAt: this.now() });
  }

  /** A verification of a live key or token stamps its use; anything else is 404, as Clerk answers. */
  private used<T extends StoredApiKey | StoredM2mToken>(record: T | undefined): T {
    if (!record || !this.isLive(record)) throw clerkErrors.notFound();
    record.lastUsedAt = this.now();
    return record;
  }

  clear(): void {
    this.apiKeys.clear();
    this.m2mTokens.clear();
  }

  hasExpired(item: { expiration: number | null }): boolean {
    return item.expiration !== null && item.expiration <= this.now();
  }

  private isLive(item: { revoked: boolean; expiration: number | null }): boolean {
    return !item.revoked && !this.hasExpired(item);
  }
}

/** `APIKey` of the spec; the secret only in the answer to its creation. */
export function apiKeyJson(key: StoredApiKey, expired: boolean, withSecret = false) {
  return {
    object: 'api_key',
    id: key.id,
    type: key.type,
    subject: key.subject,
    name: key.name,
    description: key.description,
    claims: key.claims,
    scopes: key.scopes,
    ...(withSecret && { secret: key.secret }),
    revoked: key.revoked,
    revocation_reason: key.revocationReason,
    expired,
    expiration: key.expiration,
    created_by: key.createdBy,
    last_used_at: key.lastUsedAt,
    created_at: key.createdAt,
    updated_at: key.updatedAt,
  };
}

/** `M2MToken` of the spec (`object: machine_to_machine_token`); the token only in the answer to its creation. */
export function m2mTokenJson(token: StoredM2mToken, expired: boolean, withToken = false) {
  return {
    object: 'machine_to_machine_token',
    id: token.id,
    subject: token.subject,
    claims: token.claims,
    scopes: token.scopes,
    ...(withToken && { token: token.token }),
    revoked: token.revoked,
    revocation_reason: token.revocationReason,
    expired,
    expiration: token.expiration,
    last_used_at: token.lastUsedAt,
    created_at: token.createdAt,
    updated_at: token.updatedAt,
  };
}
