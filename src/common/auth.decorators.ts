import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal.js';

export const ROLES = 'roles';

/** Only principals with one of these roles may call the route (403 otherwise). */
export const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);

/** The authenticated caller, as the global guard left it on the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
