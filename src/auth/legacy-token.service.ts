import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AuthError, AuthErrorCode } from './auth.error.js';

const CLOCK_SKEW_SECONDS = 5;

/**
 * Short-lived HS256 tokens for users who signed in with their legacy password, signed and checked by
 * `jose`: only HS256, our issuer and audience, a subject, a live time window; anything else is refused.
 */
@Injectable()
export class LegacyTokenService {
  private readonly key: Uint8Array;

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {
    this.key = new TextEncoder().encode(config.legacyJwtSecret ?? '');
  }

  get ttlSeconds(): number {
    return this.config.legacyJwtTtlSeconds;
  }

  /** True when the token claims to be one of ours, judged from its header and issuer only; never throws. */
  looksLikeLegacy(token: string): boolean {
    try {
      return decodeProtectedHeader(token).alg === 'HS256' && decodeJwt(token).iss === this.config.legacyJwtIssuer;
    } catch {
      return false;
    }
  }

  sign(userId: string, role: string, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    return new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.config.legacyJwtIssuer)
      .setAudience(this.config.legacyJwtAudience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + this.config.legacyJwtTtlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** The user id the token was issued to, or an `AuthError` (never anything else, whatever the input). */
  async verify(token: string, now = Date.now()): Promise<{ userId: string }> {
    if (!this.config.legacyEnabled) {
      throw AuthError.unauthorized(AuthErrorCode.LegacyAuthDisabled, 'Legacy tokens are no longer accepted; sign in through Clerk');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.config.legacyJwtIssuer,
        audience: this.config.legacyJwtAudience,
        requiredClaims: ['sub', 'exp', 'nbf'],
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(now),
      });
      return { userId: payload.sub! };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw AuthError.unauthorized(AuthErrorCode.TokenExpired, 'The token has expired; sign in again');
      }
      throw AuthError.unauthorized(AuthErrorCode.InvalidToken, 'The token is not valid');
    }
  }
}
