import type { ApiRequest } from './emulator-api.routes.js';
import { clerkErrors } from './emulator-errors.js';
import { invitationJson, userJson } from './emulator-serializers.js';
import type { EmulatorStore } from './emulator-store.js';
import type { StoredInvitation } from './emulator.types.js';
import { asBody, assertEmail, optionalBoolean, optionalObject, optionalString, rejectUnknown, type Body } from './emulator-validation.js';

/** `POST /v1/invitations/bulk` takes at most this many invitations (the spec's `maxItems`). */
export const MAX_BULK_INVITATIONS = 10;
/** The fields of one invitation, alone (`POST /v1/invitations`) or as an item of a bulk request. */
export const INVITATION_PARAMS = [
  'email_address',
  'public_metadata',
  'redirect_url',
  'notify',
  'ignore_existing',
  'expires_in_days',
  'template_slug',
] as const;
const METADATA_PARAMS = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;
const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'];
const INVITATION_ORDER = ['created_at', 'email_address', 'expires_at'] as const;

type Route = [method: string, template: string, handle: (request: ApiRequest) => unknown];

function expiresInDays(body: Body): number | null {
  const days = body.expires_in_days;
  if (days === undefined || days === null) return null;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 365) {
    throw clerkErrors.paramInvalid('expires_in_days', 'must be an integer from 1 to 365');
  }
  return days;
}

function templateSlug(body: Body): void {
  const slug = optionalString(body, 'template_slug');
  if (slug != null && slug !== 'invitation' && slug !== 'waitlist_invitation') {
    throw clerkErrors.paramInvalid('template_slug', 'must be invitation or waitlist_invitation');
  }
}

/**
 * The whole batch is checked before any invitation is made, so a refused batch leaves nothing behind:
 * no item may name an existing user (Clerk: "there must be no existing user for any of the email
 * addresses you provide, and this rule cannot be bypassed"), nor a pending invitation unless that
 * item sets `ignore_existing`.
 */
function createBulk(store: EmulatorStore, raw: unknown, now: () => number) {
  if (!Array.isArray(raw)) throw clerkErrors.malformedBody();
  if (raw.length < 1 || raw.length > MAX_BULK_INVITATIONS) {
    throw clerkErrors.paramInvalid('invitations', `must hold from 1 to ${MAX_BULK_INVITATIONS} invitations`);
  }
  const items = raw.map((value) => {
    const body = asBody(value);
    rejectUnknown(body, INVITATION_PARAMS);
    templateSlug(body);
    const days = expiresInDays(body);
    return {
      data: {
        emailAddress: assertEmail(body.email_address, 'email_address'),
        publicMetadata: optionalObject(body, 'public_metadata') ?? {},
        redirectUrl: optionalString(body, 'redirect_url') ?? null,
        notify: optionalBoolean(body, 'notify', true),
        expiresAt: days === null ? null : now() + days * 86_400_000,
      },
      ignoreExisting: optionalBoolean(body, 'ignore_existing', false),
    };
  });
  const seen = new Set<string>();
  for (const { data, ignoreExisting } of items) {
    const address = data.emailAddress.toLowerCase();
    if (store.findByEmail(address) || seen.has(address)) throw clerkErrors.identifierExists('email_address');
    seen.add(address);
    if (!ignoreExisting && store.hasPendingInvitation(address)) throw clerkErrors.duplicateInvitation();
  }
  return items.map(({ data }) => invitationJson(store.createInvitation(data, true)));
}

function intParam(query: URLSearchParams, param: string, fallback: number, min: number, max: number): number {
  const raw = query.get(param);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw clerkErrors.paramInvalid(param, `must be an integer from ${min} to ${max}`);
  return value;
}

function invitationOrder(query: URLSearchParams): (a: StoredInvitation, b: StoredInvitation) => number {
  const raw = query.get('order_by') ?? '-created_at';
  const descending = raw.startsWith('-');
  const field = raw.replace(/^[+-]/, '');
  if (!(INVITATION_ORDER as readonly string[]).includes(field)) throw clerkErrors.paramInvalid('order_by', `cannot order by ${field}`);
  const value = (i: StoredInvitation) =>
    field === 'email_address' ? i.emailAddress : field === 'expires_at' ? (i.expiresAt ?? 0) : i.createdAt;
  return (a, b) => {
    const order = value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0;
    return descending ? -order : order;
  };
}

/**
 * `GET /v1/invitations`: filtered by `status` and by `query` (a part of the email address, or the id),
 * ordered, paged. `paginated=true` (what `@clerk/backend` sends) wraps the page as `{data, total_count}`.
 */
function listInvitations(store: EmulatorStore, query: URLSearchParams) {
  const status = query.get('status');
  if (status !== null && !INVITATION_STATUSES.includes(status))
    throw clerkErrors.paramInvalid('status', `must be one of ${INVITATION_STATUSES.join(', ')}`);
  const text = query.get('query')?.toLowerCase();
  const limit = intParam(query, 'limit', 10, 1, 500);
  const offset = intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const matching = store
    .allInvitations()
    .filter((i) => (status === null ? i.status !== 'revoked' : i.status === status))
    .filter((i) => text === undefined || i.emailAddress.includes(text) || i.id.toLowerCase() === text)
    .sort(invitationOrder(query));
  const page = matching.slice(offset, offset + limit).map(invitationJson);
  return query.get('paginated') === 'true' ? { data: page, total_count: matching.length } : page;
}

/** `PATCH /v1/users/{id}/metadata`: each object merged deeply into the stored one; a `null` value removes its key. */
function updateMetadata(store: EmulatorStore, id: string, raw: unknown) {
  const body = asBody(raw);
  const user = store.get(id);
  rejectUnknown(body, METADATA_PARAMS);
  const patch = {
    publicMetadata: deepMerge(user.publicMetadata, optionalObject(body, 'public_metadata')),
    privateMetadata: deepMerge(user.privateMetadata, optionalObject(body, 'private_metadata')),
    unsafeMetadata: deepMerge(user.unsafeMetadata, optionalObject(body, 'unsafe_metadata')),
  };
  return userJson(store.updateMetadata(id, patch));
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown> | undefined): Record<string, unknown> {
  if (patch === undefined) return target;
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (isObject(value) && isObject(current)) merged[key] = deepMerge(current, value);
    else merged[key] = value;
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Routes added with Clerk's per-endpoint limits: bulk invitations, the invitation list, metadata updates. */
export function invitationAndMetadataRoutes(store: EmulatorStore, now: () => number = Date.now): Route[] {
  return [
    ['POST', '/v1/invitations/bulk', ({ body }) => createBulk(store, body, now)],
    ['GET', '/v1/invitations', ({ query }) => listInvitations(store, query)],
    ['PATCH', '/v1/users/{user_id}/metadata', ({ params, body }) => updateMetadata(store, params.user_id, body)],
  ];
}
