import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../common/public.decorator.js';
import { AppError } from '../common/app-error.js';
import { AuthError, AuthErrorCode } from './auth.error.js';
import { ROLES } from '../common/auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Principal } from '../common/principal.js';

/**
 * The one global guard: a Clerk session token or a legacy token, from `Authorization: Bearer` or
 * Clerk's `__session` cookie, becomes `request.principal`; `@Roles` then decides.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const token = bearerToken(request) ?? sessionCookie(request);
    if (!token) throw AuthError.unauthorized(AuthErrorCode.MissingToken, 'Send a Clerk session token or a legacy token as Authorization: Bearer <token>');
    request.principal = await this.auth.authenticate(token);
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new AppError(403, AuthErrorCode.Forbidden, `This route needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}

function bearerToken(request: Request): string | undefined {
  const [scheme, token] = (request.headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token.trim() : undefined;
}

function sessionCookie(request: Request): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === '__session' && value.length > 0) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
