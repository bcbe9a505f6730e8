import { clerkErrors } from './emulator-errors.js';

/** The filters Clerk's spec documents for the user list and count (`clerk-spec.extract.json`). */
const USER_FILTERS = [
  'email_address',
  'phone_number',
  'external_id',
  'username',
  'web3_wallet',
  'user_id',
  'organization_id',
  'query',
  'email_address_query',
  'phone_number_query',
  'username_query',
  'name_query',
  'banned',
  'last_active_at_before',
  'last_active_at_after',
  'last_active_at_since',
  'created_at_before',
  'created_at_after',
  'last_sign_in_at_before',
  'last_sign_in_at_after',
  'provider',
  'provider_user_id',
];

/**
 * The query parameters each route documents; a route not listed documents none. The emulator
 * implements only some of them (README) and ignores the rest, but refuses any parameter the spec
 * does not name, so a misspelt filter fails here as it would at Clerk instead of matching everyone.
 * The contract test keeps this table equal to the spec's.
 */
export const DOCUMENTED_QUERY_PARAMS: Record<string, string[]> = {
  'GET /v1/users': [...USER_FILTERS, 'limit', 'offset', 'starting_after', 'order_by'],
  'GET /v1/users/count': USER_FILTERS,
  'GET /v1/invitations': ['status', 'query', 'order_by', 'paginated', 'limit', 'offset'],
};

/** Array filters may arrive as `key[]`. */
export function rejectUndocumentedQuery(routeKey: string, query: URLSearchParams): void {
  const documented = DOCUMENTED_QUERY_PARAMS[routeKey] ?? [];
  for (const key of query.keys()) {
    if (!documented.includes(key.replace(/\[\]$/, ''))) throw clerkErrors.unknownParam(key);
  }
}
