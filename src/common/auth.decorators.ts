import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal.js';

export const ROLES = 'roles';
export const SCOPES = 'scopes';

/** Only principals with one of these roles may call the route (403 otherwise). */
export const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);

/**
 * A caller with a Clerk API key or M2M token needs every one of these scopes (the key's scopes or the
 * token's `permissions` claim), on top of the role; a person (session or legacy token) is judged by
 * role alone. 403 `insufficient_scope` otherwise.
 */
export const RequireScopes = (...scopes: string[]) => SetMetadata(SCOPES, scopes);

/** The authenticated caller, as the global guard left it on the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
