import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError } from '../common/app-error.js';
import { VerifiedTokenCache } from '../common/verified-token-cache.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { migrationConfig, type MigrationConfig } from '../config/migration.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PasswordFormats } from '../passwords/password-formats.js';
import { UserResponseDto } from '../common/user-response.dto.js';
import type { UserEntity } from '../users/user.entity.js';
import { AuthError, AuthErrorCode } from './auth.error.js';
import { ClerkPrincipalResolver } from './clerk-principal.resolver.js';
import { MachinePrincipalResolver } from './machine-principal.resolver.js';
import { machineTokenKind } from '../clerk/machine-token.kind.js';
import { LegacyTokenService } from './legacy-token.service.js';
import { LoginThrottle, type LoginOutcome } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from '../common/principal.js';
import { TrickleMigration } from './trickle-migration.port.js';
import { UsersService } from '../users/users.service.js';

export interface LegacyLoginResult {
  accessToken: string;
  expiresIn: number;
  user: UserEntity;
}

const PRINCIPAL_TTL_MS = 30_000;
/** Enough for every active session of a large product on one process. */
const MAX_CACHED_PRINCIPALS = 10_000;
/**
 * Refusals that cost a look-up (a valid Clerk token of nobody here, a legacy token of a deleted user)
 * are remembered as briefly as principals, so that repeating the token costs Clerk and the database
 * nothing more. Refusals of bad tokens are not: they cost no I/O to repeat.
 */
const REMEMBERED_REFUSALS = new Set<string>([AuthErrorCode.ClerkUserNotLinked, AuthErrorCode.UserGone]);

/** The `exp` of a token that has just been verified, in milliseconds. */
function tokenExpiryMs(token: string): number {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/** What was decided about a token: who it is, or why it was refused (only refusals that cost a look-up). */
type TokenVerdict = { principal: Principal; refusal?: never } | { principal?: never; refusal: { code: AuthErrorCode; message: string } };

/** The one answer to every failed password login, whatever the reason: nothing to learn from it. */
const BAD_CREDENTIALS = 'Email or password is incorrect';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** Each token's verdict, a principal or a refusal, under one key: the token is hashed once per request. */
  private readonly verdicts = new VerifiedTokenCache<TokenVerdict>(MAX_CACHED_PRINCIPALS);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly legacyTokens: LegacyTokenService,
    private readonly clerkPrincipals: ClerkPrincipalResolver,
    private readonly machinePrincipals: MachinePrincipalResolver,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly passwords: PasswordFormats,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(migrationConfig.KEY) private readonly migration: MigrationConfig,
    @Optional() private readonly trickle?: TrickleMigration,
  ) {}

  /**
   * The principal behind a token. A client sends the same token on every request, so the answer (and
   * a refusal that cost a look-up) is remembered for `PRINCIPAL_TTL_MS`, never past the token's own
   * expiry: a changed role or a deleted user takes effect within that time. Clerk API keys and M2M
   * tokens, told apart by shape first (a JWT-form M2M token is never taken for a session), go to
   * `MachinePrincipalResolver`, which keeps their verdicts itself; `ip` is what its throttle counts.
   */
  async authenticate(token: string, ip = 'unknown', carrier: 'header' | 'cookie' = 'header'): Promise<Principal> {
    // Only sessions and legacy tokens are remembered here, so a hit needs no look at the token's shape.
    const cached = this.verdicts.get(token);
    if (cached?.principal) return cached.principal;
    if (cached?.refusal) throw AuthError.unauthorized(cached.refusal.code, cached.refusal.message);
    const machineKind = machineTokenKind(token);
    if (machineKind && carrier === 'cookie') {
      // As Clerk's own SDK does: a machine token is taken from the Authorization header only, never from a browser's cookie.
      throw AuthError.unauthorized(AuthErrorCode.InvalidToken, 'API keys and M2M tokens are accepted only as Authorization: Bearer');
    }
    if (machineKind) return this.machinePrincipals.resolve(token, machineKind, ip);
    const rememberUntil = Math.min(Date.now() + PRINCIPAL_TTL_MS, tokenExpiryMs(token));
    try {
      const principal = await this.resolve(token);
      this.verdicts.set(token, { principal }, rememberUntil);
      return principal;
    } catch (error) {
      if (error instanceof AuthError && REMEMBERED_REFUSALS.has(error.code)) {
        this.verdicts.set(token, { refusal: { code: error.code as AuthErrorCode, message: error.message } }, rememberUntil);
      }
      throw error;
    }
  }

  private async resolve(token: string): Promise<Principal> {
    if (!this.legacyTokens.looksLikeLegacy(token)) return this.clerkPrincipals.resolve(token);
    const { userId } = await this.legacyTokens.verify(token);
    const user = await this.users.findById(userId);
    if (!user) throw AuthError.unauthorized(AuthErrorCode.UserGone, 'The user of this token no longer exists');
    return { userId: user.userId, role: user.role, authMethod: 'legacy', profile: UserResponseDto.from(user) };
  }

  /**
   * A legacy login. Failures are counted in PostgreSQL per address, per (address, email) and per email
   * (see `LoginThrottle`); a success or a check that could not run (503) gives its count back. When
   * the password checks are saturated, the 503 comes first, before any query.
   */
  async loginWithPassword(email: string, password: string, ip: string): Promise<LegacyLoginResult> {
    if (!this.config.legacyEnabled) {
      throw new AppError(410, AuthErrorCode.LegacyAuthDisabled, 'Password login has been retired; sign in through Clerk instead');
    }
    this.hasher.assertRoom();
    const reservation = await this.throttle.reserve(ip, email);
    let outcome: LoginOutcome = 'no_verdict';
    try {
      const user = await this.checkPassword(email, password, ip);
      outcome = user ? 'success' : 'failure';
      if (!user) throw AuthError.unauthorized(AuthErrorCode.InvalidCredentials, BAD_CREDENTIALS);
      this.startTrickleMigration(user);
      return { accessToken: await this.legacyTokens.sign(user.userId, user.role), expiresIn: this.legacyTokens.ttlSeconds, user };
    } finally {
      await reservation.settle(outcome);
    }
  }

  /** The user when the password is theirs, otherwise null; either way metered and audited. */
  private async checkPassword(email: string, password: string, ip: string): Promise<UserEntity | null> {
    const candidate = await this.users.findLoginCandidate(email);
    const user = candidate?.user ?? null;
    const matches = await this.hasher.verify(password, user?.passwordHash ?? null);
    // A person deleted at Clerk is refused after the same check, with the same answer as a wrong password.
    if (!user || !matches || candidate?.deletedAtClerk) {
      this.metrics.login('legacy', 'failure');
      await this.audit.record({
        userId: user?.userId ?? null,
        actor: user?.userId ?? 'anonymous',
        action: AuditAction.LoginFailed,
        details: {
          method: 'legacy',
          reason: candidate?.deletedAtClerk && matches ? 'deleted_at_clerk' : failureReason(user, this.passwords),
          ip,
        },
      });
      return null;
    }
    this.metrics.login('legacy', 'success');
    await this.audit.record({
      userId: user.userId,
      actor: user.userId,
      action: AuditAction.LoginSucceeded,
      details: { method: 'legacy', ip },
    });
    return user;
  }

  /** Runs after the answer is on its way: a login never waits for, or fails because of, Clerk. */
  private startTrickleMigration(user: UserEntity): void {
    if (!this.migration.migrateOnLogin || user.clerkUserId !== null || !this.trickle) return;
    this.trickle.migrateAfterLogin(user).catch((error: unknown) => {
      this.logger.warn(`trickle migration of user ${user.userId} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

function failureReason(user: UserEntity | null, passwords: PasswordFormats): string {
  if (!user) return 'unknown_email';
  if (user.passwordHash === null) return 'no_password';
  // `unsupported_hash`, or `missing_<VARIABLE>` for a shape whose configuration is incomplete.
  return passwords.problem(user.passwordHash) ?? 'wrong_password';
}
