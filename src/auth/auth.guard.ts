import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { parseCookie } from 'cookie';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../common/public.decorator.js';
import { AppError } from '../common/app-error.js';
import { AuthError, AuthErrorCode } from './auth.error.js';
import { ROLES, SCOPES } from '../common/auth.decorators.js';
import { AuthService } from './auth.service.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import type { Principal } from '../common/principal.js';

/**
 * The one global guard: a Clerk session token, a legacy token, a Clerk API key or a Clerk M2M token,
 * from `Authorization: Bearer` (or, for sessions, Clerk's `__session` cookie), becomes
 * `request.principal`; `@Roles` then decides, and `@RequireScopes` for keys and machine tokens.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const fromHeader = bearerToken(request);
    const token = fromHeader ?? this.sessionCookieOfAllowedOrigin(request);
    if (!token)
      throw AuthError.unauthorized(
        AuthErrorCode.MissingToken,
        'Send a Clerk session token, a legacy token, a Clerk API key or M2M token as Authorization: Bearer <token>',
      );
    const principal = await this.auth.authenticate(token, request.ip ?? 'unknown', fromHeader === undefined ? 'cookie' : 'header');
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new AppError(403, AuthErrorCode.Forbidden, `This route needs the ${roles.join(' or ')} role`);
    }
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES, targets);
    const missing = principal.machine && scopes?.filter((scope) => !principal.machine!.scopes.includes(scope));
    if (missing && missing.length > 0) {
      throw new AppError(403, AuthErrorCode.InsufficientScope, `This route needs a token with the scope ${missing.join(', ')}`);
    }
    return true;
  }

  /**
   * Clerk's `__session` cookie, which a browser attaches to requests that any site makes (CSRF): it
   * is honoured only from this service's own origin or one of `CORS_ORIGINS`. A request that names no
   * origin is a same-site navigation or not from a browser, unless the browser says it is cross-site.
   */
  private sessionCookieOfAllowedOrigin(request: Request): string | undefined {
    const token = sessionCookie(request);
    if (token === undefined) return undefined;
    const origin = request.headers.origin;
    const foreign =
      origin === undefined
        ? request.headers['sec-fetch-site'] === 'cross-site'
        : origin !== ownOrigin(request) && !this.config.corsOrigins.includes(origin);
    if (foreign) {
      const message = 'The __session cookie is accepted only from this service’s own origin and CORS_ORIGINS';
      throw new AppError(403, AuthErrorCode.ForeignOrigin, message);
    }
    return token;
  }
}

/** `Authorization: Bearer <token>`; anything else there counts as no token. */
function bearerToken(request: Request): string | undefined {
  return /^Bearer +([^\s]+) *$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** Parsed by `cookie`, which never throws: a malformed value (`%`, no `=`) is no token or a bad one, a 401. */
function sessionCookie(request: Request): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookie(header).__session || undefined : undefined;
}

function ownOrigin(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? ''}`;
}
