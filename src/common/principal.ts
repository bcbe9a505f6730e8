import type { UserResponseDto } from './user-response.dto.js';

export type AuthMethod = 'clerk' | 'legacy' | 'api_key' | 'm2m_token';

/** A script or service calling with a Clerk API key or M2M token: which token, and whom it belongs to. */
export interface MachineCaller {
  /** `ak_…` or `mt_…`: the token's id (never its secret). */
  tokenId: string;
  /** Its owner at Clerk: `user_…` / `org_…` for an API key, the machine `mch_…` for an M2M token. */
  subject: string;
  name: string | null;
  /** What the token may do: an API key's scopes and the `permissions` claim (see `RequireScopes`). */
  scopes: string[];
}

/** Who is calling, whichever way they signed in. Everything downstream is scoped to `userId`. */
export interface Principal {
  /** The person the request acts for; null for a machine acting for itself (an M2M token, an organization's key). */
  userId: string | null;
  role: string;
  authMethod: AuthMethod;
  /**
   * A person's own record as it stood when their token was resolved, remembered with the principal
   * (under the same 30-second rule); null for machines, which never reach `GET /users/me` as a person.
   */
  profile: UserResponseDto | null;
  machine?: MachineCaller;
}

export const ADMIN_ROLE = 'admin';
/** The role of a machine that acts for nobody and is not one of `CLERK_ADMIN_MACHINES`. */
export const MACHINE_ROLE = 'machine';

/** Who an audit row names: the person, or the key or machine when one called (`api_key:ak_…`, `machine:mch_…`). */
export function actorOf(principal: Principal): string {
  if (principal.authMethod === 'api_key') return `api_key:${principal.machine!.tokenId}`;
  if (principal.authMethod === 'm2m_token') return `machine:${principal.machine!.subject}`;
  return principal.userId ?? 'unknown';
}

/** What an API key or M2M token must carry to change anything (a run, a rollback, a sync; see `RequireScopes`); people need the role only. */
export const MIGRATION_WRITE_SCOPE = 'migration:write';
