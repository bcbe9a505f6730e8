import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ClerkGateway, type VerifiedMachineToken } from '../clerk/clerk.gateway.js';
import { ClerkErrorKind, ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { MachineTokenError, MachineTokenErrorReason } from '../clerk/machine-token.error.js';
import type { MachineTokenKind } from '../clerk/machine-token.kind.js';
import { ADMIN_ROLE, MACHINE_ROLE, type MachineCaller, type Principal } from '../common/principal.js';
import { VerifiedTokenCache } from '../common/verified-token-cache.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuthError, AuthErrorCode } from './auth.error.js';
import { MachineTokenThrottle } from './machine-token-throttle.js';
import { UsersService } from '../users/users.service.js';

/** Enough for every script and service of a large product; refusals of a flood evict the oldest first. */
const MAX_VERDICTS = 10_000;

type Verdict = { principal: Principal; refusal?: never } | { principal?: never; refusal: AuthError };

/**
 * Turns a Clerk API key or M2M token into our principal. Clerk judges the token (`ClerkGateway`);
 * each verdict, a principal or a refusal, is remembered for `CLERK_MACHINE_TOKEN_CACHE_SECONDS`,
 * never past the token's own expiry, and requests that bring the same unjudged token at once share
 * one verification. So a script polling with its key costs Clerk one call per that many seconds, and
 * a random string costs Clerk one call, ever (while remembered), after which it meets the throttle.
 *
 * - An API key owned by a user acts as that user, with their role from `users`; a key whose owner is
 *   not linked to a user here (never was, or was deleted at Clerk) is refused.
 * - An M2M token, or an organization's key, acts for itself: an operator (`admin`) only when its machine
 *   is one of `CLERK_ADMIN_MACHINES`, otherwise the `machine` role, which reaches no operator route.
 */
@Injectable()
export class MachinePrincipalResolver {
  private readonly verdicts = new VerifiedTokenCache<Verdict>(MAX_VERDICTS);
  private readonly pending = new Map<string, Promise<Verdict>>();

  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly throttle: MachineTokenThrottle,
    private readonly metrics: MetricsService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async resolve(token: string, kind: MachineTokenKind, ip: string): Promise<Principal> {
    if (kind === 'oauth_token')
      throw AuthError.unauthorized(AuthErrorCode.UnsupportedToken, 'Clerk OAuth access tokens are not accepted here');
    const verdict = this.verdicts.get(token) ?? (await this.judgeOnce(token, kind, ip));
    if (verdict.refusal) throw verdict.refusal;
    return verdict.principal;
  }

  private async judgeOnce(token: string, kind: 'api_key' | 'm2m_token', ip: string): Promise<Verdict> {
    const key = createHash('sha256').update(token).digest('base64url');
    const running = this.pending.get(key);
    if (running) return running;
    const judging = this.judge(token, kind, ip).finally(() => this.pending.delete(key));
    this.pending.set(key, judging);
    return judging;
  }

  private async judge(token: string, kind: 'api_key' | 'm2m_token', ip: string): Promise<Verdict> {
    await this.throttle.assertAllowed(ip);
    let expiresAt: number | null = null;
    try {
      const verified = kind === 'api_key' ? await this.clerk.verifyApiKey(token) : await this.clerk.verifyM2mToken(token);
      expiresAt = verified.expiresAt;
      const principal = await this.principalOf(verified);
      this.remember(token, { principal }, expiresAt);
      this.metrics.login(kind, 'success');
      return { principal };
    } catch (error) {
      const refusal = toAuthError(error);
      // Clerk could not be asked (503): nothing was learnt about the token, nothing is remembered or counted.
      if (refusal.status === 503) throw refusal;
      this.metrics.login(kind, 'failure');
      if (error instanceof MachineTokenError) await this.throttle.refused(ip);
      this.remember(token, { refusal }, expiresAt);
      return { refusal };
    }
  }

  private remember(token: string, verdict: Verdict, expiresAt: number | null): void {
    const until = Date.now() + this.config.machineTokenCacheSeconds * 1000;
    this.verdicts.set(token, verdict, expiresAt === null ? until : Math.min(until, expiresAt));
  }

  private async principalOf(token: VerifiedMachineToken): Promise<Principal> {
    const machine: MachineCaller = { tokenId: token.id, subject: token.subject, name: token.name, scopes: grantedScopes(token) };
    if (token.kind === 'api_key' && token.subject.startsWith('user_')) {
      const owner = await this.users.findByClerkUserId(token.subject);
      if (!owner) {
        throw AuthError.unauthorized(AuthErrorCode.ApiKeyOwnerUnknown, 'The owner of this API key is not a user of this service');
      }
      return { userId: owner.userId, role: owner.role, authMethod: 'api_key', profile: null, machine };
    }
    const operator = token.kind === 'm2m_token' && this.config.adminMachines.includes(token.subject);
    return { userId: null, role: operator ? ADMIN_ROLE : MACHINE_ROLE, authMethod: token.kind, profile: null, machine };
  }
}

/**
 * An API key's `scopes`, and the custom claim `permissions` (a list, or space-separated) of either
 * kind. An M2M token's own `scopes` are the machines it may call, kept for completeness.
 */
function grantedScopes(token: VerifiedMachineToken): string[] {
  const claimed = token.claims.permissions;
  const permissions = Array.isArray(claimed)
    ? claimed.filter((p) => typeof p === 'string')
    : typeof claimed === 'string'
      ? claimed.split(/\s+/)
      : [];
  return [...new Set([...token.scopes, ...permissions].filter((scope) => scope.length > 0))];
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof MachineTokenError) {
    if (error.reason === MachineTokenErrorReason.Expired)
      return AuthError.unauthorized(AuthErrorCode.TokenExpired, 'The token has expired');
    return AuthError.unauthorized(AuthErrorCode.InvalidToken, error.message);
  }
  if (error instanceof ClerkGatewayError && error.kind === ClerkErrorKind.NotConfigured) {
    return AuthError.unauthorized(
      AuthErrorCode.InvalidToken,
      'Clerk is not configured on this service, so its API keys and M2M tokens are not accepted',
    );
  }
  if (error instanceof ClerkGatewayError) {
    return new AuthError(503, AuthErrorCode.ClerkUnavailable, 'Clerk could not be reached to check this token; try again shortly');
  }
  throw error;
}
