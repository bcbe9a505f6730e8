import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway, type ClerkUser } from '../clerk/clerk.gateway.js';
import { ClerkErrorKind, ClerkGatewayError, SessionTokenError, SessionTokenErrorReason } from '../clerk/clerk-gateway.error.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { UserResponseDto } from '../common/user-response.dto.js';
import type { UserEntity } from '../users/user.entity.js';
import { AuthError, AuthErrorCode } from './auth.error.js';
import type { Principal } from '../common/principal.js';
import { ClerkSignUps } from './clerk-sign-up.port.js';
import { UsersService } from '../users/users.service.js';

/** Users whose sign-in this process has already recorded; bounded, so memory stays flat. */
const RECORDED_LIMIT = 50_000;
/** How often a refused Clerk account may add an audit row (per process). */
const REJECTION_AUDIT_INTERVAL_MS = 10 * 60_000;

/**
 * Turns a Clerk session token into our principal: verify it, map `sub` to the local user through
 * `clerk_user_id`, and on a user's first appearance link the account when it can be proven theirs.
 */
@Injectable()
export class ClerkPrincipalResolver {
  private readonly logger = new Logger(ClerkPrincipalResolver.name);
  private readonly recorded = new LRUCache<string, true>({ max: RECORDED_LIMIT });
  private readonly rejectionsAudited = new LRUCache<string, true>({ max: RECORDED_LIMIT, ttl: REJECTION_AUDIT_INTERVAL_MS });

  constructor(
    private readonly clerk: ClerkGateway,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Optional() private readonly signUps?: ClerkSignUps,
  ) {}

  async resolve(token: string): Promise<Principal> {
    try {
      const principal = await this.resolveVerified(token);
      this.metrics.login('clerk', 'success');
      return principal;
    } catch (error) {
      this.metrics.login('clerk', 'failure');
      throw error;
    }
  }

  private async resolveVerified(token: string): Promise<Principal> {
    const session = await this.clerk.verifySessionToken(token).catch((error: unknown) => {
      throw toAuthError(error);
    });
    const user = (await this.users.findByClerkUserId(session.clerkUserId)) ?? (await this.linkOnFirstSignIn(session.clerkUserId));
    await this.recordSignIn(user);
    return { userId: user.userId, role: user.role, authMethod: 'clerk', profile: UserResponseDto.from(user) };
  }

  /**
   * Links on a first appearance, unless a rollback took this person off Clerk: a rolled-back person
   * stays on legacy login until an explicit run migrates them again (see README, "Rollback"). An
   * account nobody here owns is a person who signed up at Clerk: `ClerkSignUps` may give them a row.
   */
  private async linkOnFirstSignIn(clerkUserId: string): Promise<UserEntity> {
    if (await this.users.isRolledBackAccount(clerkUserId)) return this.reject(clerkUserId, null, 'rolled_back');
    const clerkUser = await this.clerk.getUser(clerkUserId).catch((error: unknown) => {
      throw toAuthError(error);
    });
    if (!clerkUser) return this.reject(clerkUserId, null, AuthErrorCode.ClerkUserNotLinked);
    const owner = await this.users.findAccountOwner(clerkUser, this.config.linkClerkUsersByEmail);
    if (owner.kind === 'claimed') return this.reject(clerkUserId, null, 'external_id_claimed');
    if (owner.kind === 'none') return this.signUp(clerkUser);
    const outcome = await this.users.linkOnSignIn(owner.user.userId, clerkUserId);
    if (outcome !== 'linked') {
      return this.reject(clerkUserId, owner.user.userId, outcome === 'rolled_back' ? 'rolled_back' : AuthErrorCode.ClerkUserNotLinked);
    }
    await this.audit.record({
      userId: owner.user.userId,
      actor: owner.user.userId,
      action: AuditAction.ClerkLinkedOnSignIn,
      details: { clerkUserId, matchedBy: owner.matchedBy },
    });
    return { ...owner.user, clerkUserId } as UserEntity;
  }

  private async signUp(clerkUser: ClerkUser): Promise<UserEntity> {
    if (!this.signUps) return this.reject(clerkUser.id, null, AuthErrorCode.ClerkUserNotLinked);
    const outcome = await this.signUps.provision(clerkUser);
    if ('user' in outcome) return outcome.user;
    return this.reject(clerkUser.id, null, outcome.refused);
  }

  /**
   * Refuses the account, with one audit row per Clerk account and `REJECTION_AUDIT_INTERVAL_MS` per
   * process: someone with a valid session of an account linked to nobody must not fill the audit log.
   */
  private async reject(clerkUserId: string, userId: string | null, reason: string): Promise<never> {
    if (!this.rejectionsAudited.has(clerkUserId)) {
      this.rejectionsAudited.set(clerkUserId, true);
      await this.audit.record({ userId, actor: 'clerk', action: AuditAction.ClerkSignInRejected, details: { clerkUserId, reason } });
    }
    throw AuthError.unauthorized(AuthErrorCode.ClerkUserNotLinked, 'This Clerk account is not linked to a user of this service');
  }

  private async recordSignIn(user: UserEntity): Promise<void> {
    if (this.recorded.has(user.userId)) return;
    const first = await this.users.recordClerkSignIn(user.userId, user.clerkUserId!);
    this.recorded.set(user.userId, true);
    if (first) {
      await this.audit.record({ userId: user.userId, actor: user.userId, action: AuditAction.ClerkFirstSignIn, details: {} });
      this.logger.log(`first Clerk sign-in of user ${user.userId}`);
    }
  }
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof SessionTokenError) {
    if (error.reason === SessionTokenErrorReason.Expired) {
      return AuthError.unauthorized(AuthErrorCode.TokenExpired, 'The session token has expired');
    }
    if (error.reason === SessionTokenErrorReason.KeysUnavailable) {
      return new AuthError(503, AuthErrorCode.ClerkUnavailable, 'Clerk session keys are unavailable; try again shortly');
    }
    return AuthError.unauthorized(AuthErrorCode.InvalidToken, `The session token is not valid (${error.reason})`);
  }
  if (error instanceof ClerkGatewayError && error.kind === ClerkErrorKind.NotConfigured) {
    return AuthError.unauthorized(AuthErrorCode.InvalidToken, 'Clerk sign-in is not configured on this service');
  }
  if (error instanceof ClerkGatewayError) {
    return new AuthError(503, AuthErrorCode.ClerkUnavailable, 'Clerk could not be reached to check this account; try again shortly');
  }
  return error as AuthError;
}
