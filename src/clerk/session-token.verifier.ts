import { verifyToken } from '@clerk/backend';
import type { ClerkConfig } from '../config/clerk.config.js';
import type { VerifiedSession } from './clerk.gateway.js';
import { ClerkGatewayError, SessionTokenError, SessionTokenErrorReason as Reason } from './clerk-gateway.error.js';
import { VerifiedTokenCache } from '../common/verified-token-cache.js';

/** `@clerk/backend`'s `TokenVerificationErrorReason` values, mapped to ours. */
const REASONS: Record<string, Reason> = {
  'token-expired': Reason.Expired,
  'token-not-active-yet': Reason.NotYetValid,
  'token-iat-in-the-future': Reason.NotYetValid,
  'token-invalid-signature': Reason.BadSignature,
  'token-verification-failed': Reason.BadSignature,
  'jwk-kid-mismatch': Reason.UnknownKid,
  'token-invalid-authorized-parties': Reason.WrongAzp,
  'token-invalid': Reason.Malformed,
  'token-invalid-algorithm': Reason.Malformed,
  'token-invalid-issuer': Reason.Malformed,
  'jwk-remote-failed-to-load': Reason.KeysUnavailable,
  'jwk-remote-invalid': Reason.KeysUnavailable,
  'jwk-remote-missing': Reason.KeysUnavailable,
  'jwk-failed-to-resolve': Reason.KeysUnavailable,
  'jwk-local-missing': Reason.KeysUnavailable,
  'secret-key-invalid': Reason.KeysUnavailable,
};

/**
 * Verifies Clerk session JWTs: networkless with `CLERK_JWT_KEY`, otherwise against the instance's
 * JWKS, which `@clerk/backend` fetches once per key id and caches for five minutes. A verified
 * token is remembered until its `exp`: the RS256 check costs ~0.4 ms of CPU, and a client sends
 * the same token on every request of its 60 s life.
 */
export class SessionTokenVerifier {
  constructor(
    private readonly config: Pick<ClerkConfig, 'secretKey' | 'apiUrl' | 'jwtKey' | 'authorizedParties' | 'clockSkewMs'>,
    private readonly cache = new VerifiedTokenCache<VerifiedSession>(),
  ) {}

  async verify(token: string): Promise<VerifiedSession> {
    const { jwtKey, secretKey } = this.config;
    if (!jwtKey && !secretKey) throw ClerkGatewayError.notConfigured();
    const cached = this.cache.get(token);
    if (cached) return cached;
    const session = await this.verifyWithClerk(token);
    this.cache.set(token, session, typeof session.claims.exp === 'number' ? session.claims.exp * 1000 : undefined);
    return session;
  }

  private async verifyWithClerk(token: string): Promise<VerifiedSession> {
    const { jwtKey, secretKey, apiUrl, authorizedParties, clockSkewMs } = this.config;
    let claims: Record<string, unknown>;
    try {
      claims = (await verifyToken(token, {
        ...(jwtKey ? { jwtKey } : { secretKey, apiUrl }),
        authorizedParties: authorizedParties.length > 0 ? authorizedParties : undefined,
        clockSkewInMs: clockSkewMs,
      })) as unknown as Record<string, unknown>;
    } catch (err) {
      throw toSessionTokenError(err);
    }
    return {
      clerkUserId: String(claims.sub),
      sessionId: typeof claims.sid === 'string' ? claims.sid : null,
      claims,
    };
  }
}

function toSessionTokenError(err: unknown): SessionTokenError {
  const clerkReason = typeof (err as { reason?: unknown })?.reason === 'string' ? (err as { reason: string }).reason : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new SessionTokenError(REASONS[clerkReason ?? ''] ?? Reason.Malformed, message, clerkReason);
}
