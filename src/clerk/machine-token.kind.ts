import { isMachineToken } from '@clerk/backend/internal';
import { decodeJwt } from 'jose';

/** The machine tokens Clerk issues; `oauth_token` is recognised so that it is refused, not taken for a session. */
export type MachineTokenKind = 'api_key' | 'm2m_token' | 'oauth_token';

/** Clerk's prefix of machine ids, the `sub` of a JWT-form M2M token. */
const MACHINE_SUBJECT_PREFIX = 'mch_';

/**
 * Tells a machine token from a session token by its shape, with `@clerk/backend`'s own test: an `ak_`,
 * `mt_` or `oat_` prefix, or a JWT whose `sub` is a machine or whose `typ` is an OAuth access token.
 * Null for anything else (a session JWT, a legacy token, garbage). Nothing is verified here.
 */
export function machineTokenKind(token: string): MachineTokenKind | null {
  if (!isMachineToken(token)) return null;
  if (token.startsWith('ak_')) return 'api_key';
  if (token.startsWith('mt_')) return 'm2m_token';
  if (token.startsWith('oat_')) return 'oauth_token';
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === 'string' && sub.startsWith(MACHINE_SUBJECT_PREFIX) ? 'm2m_token' : 'oauth_token';
  } catch {
    return 'oauth_token';
  }
}
