import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AuthError, AuthErrorCode } from './auth.error.js';

interface LegacyClaims {
  sub: string;
  role: string;
  iss: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

const CLOCK_SKEW_SECONDS = 5;
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/**
 * Short-lived HS256 tokens for users who signed in with their legacy password. Written by hand on
 * node:crypto because the rules are few and strict: only HS256, our issuer and audience, a live
 * time window; anything else is refused.
 */
@Injectable()
export class LegacyTokenService {
  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  get ttlSeconds(): number {
    return this.config.legacyJwtTtlSeconds;
  }

  /** True when the token claims to be one of ours, judged from its header and issuer only. */
  looksLikeLegacy(token: string): boolean {
    const [header, payload] = token.split('.');
    const decoded = { header: tryJson(header), payload: tryJson(payload) };
    return decoded.header?.alg === 'HS256' && decoded.payload?.iss === this.config.legacyJwtIssuer;
  }

  sign(userId: string, role: string, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const claims: LegacyClaims = {
      sub: userId,
      role,
      iss: this.config.legacyJwtIssuer,
      aud: this.config.legacyJwtAudience,
      iat,
      nbf: iat,
      exp: iat + this.config.legacyJwtTtlSeconds,
      jti: randomUUID(),
    };
    const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return `${body}.${this.signature(body)}`;
  }

  /** The user id the token was issued to, or an `AuthError`. */
  verify(token: string, now = Date.now()): { userId: string } {
    if (!this.config.legacyEnabled) {
      throw AuthError.unauthorized(AuthErrorCode.LegacyAuthDisabled, 'Legacy tokens are no longer accepted; sign in through Clerk');
    }
    const [header, payload, signature, ...rest] = token.split('.');
    const invalid = () => AuthError.unauthorized(AuthErrorCode.InvalidToken, 'The token is not valid');
    if (rest.length > 0 || !header || !payload || !signature) throw invalid();
    if (tryJson(header)?.alg !== 'HS256') throw invalid();
    const expected = Buffer.from(this.signature(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    const claims = tryJson(payload) as Partial<LegacyClaims> | undefined;
    const seconds = Math.floor(now / 1000);
    if (!claims || claims.iss !== this.config.legacyJwtIssuer || claims.aud !== this.config.legacyJwtAudience) throw invalid();
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.nbf !== 'number') throw invalid();
    if (claims.exp + CLOCK_SKEW_SECONDS <= seconds) {
      throw AuthError.unauthorized(AuthErrorCode.TokenExpired, 'The token has expired; sign in again');
    }
    if (claims.nbf - CLOCK_SKEW_SECONDS > seconds) throw invalid();
    return { userId: claims.sub };
  }

  private signature(body: string): string {
    return createHmac('sha256', this.config.legacyJwtSecret ?? '').update(body).digest('base64url');
  }
}

function tryJson(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
