import type { ClerkClient } from '@clerk/backend';
import type { VerifiedMachineToken } from './clerk.gateway.js';
import { ClerkErrorKind, ClerkGatewayError } from './clerk-gateway.error.js';
import type { ClerkRequestPacer } from './clerk-request.pacer.js';
import { MachineTokenError, MachineTokenErrorReason as Reason } from './machine-token.error.js';
import { machineTokenKind } from './machine-token.kind.js';

/** What `apiKeys.verify` and `m2m.verify` give back, in the fields we read. */
interface ClerkMachineToken {
  id: string;
  subject: string;
  scopes: string[];
  claims: Record<string, unknown> | null;
  revoked: boolean;
  expired: boolean;
  expiration: number | null;
  name?: string;
}

/**
 * API keys and M2M tokens, verified by `@clerk/backend`: `apiKeys.verify` and opaque `m2m.verify`
 * ask Clerk (through the pacer, so they count in the shared budget, as `api_keys.verify` and
 * `m2m_tokens.verify`); a JWT-form M2M token is checked by the SDK against the instance's JWKS, no
 * Backend API call. Token problems throw `MachineTokenError`; Clerk's own trouble `ClerkGatewayError`.
 */
export class MachineTokenVerifier {
  constructor(
    private readonly client: ClerkClient,
    private readonly pacer: ClerkRequestPacer,
  ) {}

  async verifyApiKey(secret: string): Promise<VerifiedMachineToken> {
    const key = await this.pacer
      .run(() => this.client.apiKeys.verify(secret), { operation: 'api_keys.verify' })
      .catch((error: unknown) => refusalOf(error));
    return verified('api_key', { ...key, claims: key.claims as Record<string, unknown> | null });
  }

  async verifyM2mToken(token: string): Promise<VerifiedMachineToken> {
    if (machineTokenKind(token) === 'm2m_token' && !token.startsWith('mt_')) return this.verifyM2mJwt(token);
    const verifiedToken = await this.pacer
      .run(() => this.client.m2m.verify({ token }), { operation: 'm2m_tokens.verify' })
      .catch((error: unknown) => refusalOf(error));
    return verified('m2m_token', verifiedToken);
  }

  private async verifyM2mJwt(token: string): Promise<VerifiedMachineToken> {
    try {
      return verified('m2m_token', await this.client.m2m.verify({ token }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The JWKS could not be fetched: not the token's fault.
      if (/jwk/i.test(message)) throw new ClerkGatewayError({ kind: ClerkErrorKind.Transient, clerkCode: 'jwks_unavailable', message });
      throw new MachineTokenError(/expired/i.test(message) ? Reason.Expired : Reason.Invalid, `The M2M token is not valid: ${message}`);
    }
  }
}

/** Clerk answers 404 to a secret it does not know, or knows revoked or expired; 400 to a malformed one. */
function refusalOf(error: unknown): never {
  if (error instanceof ClerkGatewayError && (error.status === 404 || error.status === 400)) {
    throw new MachineTokenError(Reason.Invalid, 'Clerk does not know this token, or it was revoked or has expired');
  }
  throw error;
}

function verified(kind: VerifiedMachineToken['kind'], token: ClerkMachineToken): VerifiedMachineToken {
  if (token.revoked) throw new MachineTokenError(Reason.Revoked, 'The token has been revoked');
  if (token.expired || (token.expiration !== null && token.expiration <= Date.now())) {
    throw new MachineTokenError(Reason.Expired, 'The token has expired');
  }
  return {
    kind,
    id: token.id,
    subject: token.subject,
    name: token.name ?? null,
    scopes: token.scopes ?? [],
    claims: token.claims ?? {},
    expiresAt: token.expiration,
  };
}
