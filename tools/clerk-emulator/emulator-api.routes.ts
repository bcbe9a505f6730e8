import type { ClerkPasswordImport } from '../../src/passwords/password-formats.js';
import { clerkErrors } from './emulator-errors.js';
import { deletedUserJson, invitationJson, userJson } from './emulator-serializers.js';
import { INVITATION_PARAMS, invitationAndMetadataRoutes } from './emulator-invitation.routes.js';
import type { EmulatorStore } from './emulator-store.js';
import {
  asBody,
  assertEmail,
  emailList,
  optionalBoolean,
  optionalName,
  optionalObject,
  optionalString,
  passwordDigest,
  plainPassword,
  rejectUnknown,
  type Body,
} from './emulator-validation.js';

export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface ApiRoute {
  method: string;
  /** Clerk's path template, used to count requests and to target faults. */
  template: string;
  pattern: RegExp;
  handle(request: ApiRequest): unknown;
}

const CREATE_USER_PARAMS = [
  'external_id',
  'first_name',
  'last_name',
  'locale',
  'email_address',
  'password',
  'password_digest',
  'password_hasher',
  'skip_password_checks',
  'skip_password_requirement',
  'skip_legal_checks',
  'skip_user_requirement',
  'public_metadata',
  'private_metadata',
  'unsafe_metadata',
  'created_at',
  'legal_accepted_at',
] as const;
const UPDATE_USER_PARAMS = [
  'external_id',
  'first_name',
  'last_name',
  'password',
  'password_digest',
  'password_hasher',
  'skip_password_checks',
  'sign_out_of_other_sessions',
] as const;
const MAX_FILTER_VALUES = 100;

function passwordFrom(body: Body): ClerkPasswordImport | undefined {
  const plain = optionalString(body, 'password');
  if (typeof plain === 'string') {
    if (plain.length < 8 && !optionalBoolean(body, 'skip_password_checks', false)) throw clerkErrors.passwordTooShort();
    return plainPassword(plain);
  }
  return passwordDigest(body);
}

/** RFC 3339, as Clerk asks of `created_at`; anything else is refused rather than stored as NaN. */
function createdAtFrom(body: Body): number | undefined {
  const raw = optionalString(body, 'created_at');
  if (raw === undefined || raw === null) return undefined;
  const at = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(at)) throw clerkErrors.paramInvalid('created_at', 'must be an RFC 3339 date-time');
  return at;
}

function createUser(store: EmulatorStore, raw: unknown) {
  const body = asBody(raw);
  rejectUnknown(body, CREATE_USER_PARAMS);
  const emails = emailList(body, 'email_address');
  if (emails.length === 0 && !optionalBoolean(body, 'skip_user_requirement', false)) throw clerkErrors.paramMissing('email_address');
  const user = store.createUser({
    externalId: optionalString(body, 'external_id'),
    firstName: optionalName(body, 'first_name'),
    lastName: optionalName(body, 'last_name'),
    emails,
    password: passwordFrom(body),
    publicMetadata: optionalObject(body, 'public_metadata'),
    privateMetadata: optionalObject(body, 'private_metadata'),
    unsafeMetadata: optionalObject(body, 'unsafe_metadata'),
    createdAt: createdAtFrom(body),
  });
  return userJson(user);
}

function updateUser(store: EmulatorStore, id: string, raw: unknown) {
  const body = asBody(raw);
  store.get(id);
  rejectUnknown(body, UPDATE_USER_PARAMS);
  const user = store.update(id, {
    externalId: optionalString(body, 'external_id'),
    firstName: optionalName(body, 'first_name'),
    lastName: optionalName(body, 'last_name'),
    password: passwordFrom(body),
  });
  return userJson(user);
}

/** Array filters arrive as repeated keys (`email_address=a&email_address=b`, how the SDK sends them) or with `[]`. */
function filterValues(query: URLSearchParams, param: string): string[] {
  const values = [...query.getAll(param), ...query.getAll(`${param}[]`)];
  if (values.length > MAX_FILTER_VALUES) throw clerkErrors.paramInvalid(param, `accepts up to ${MAX_FILTER_VALUES} values`);
  return values;
}

function intParam(query: URLSearchParams, param: string, fallback: number, min: number, max: number): number {
  const raw = query.get(param);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw clerkErrors.paramInvalid(param, `must be an integer from ${min} to ${max}`);
  return value;
}

function filteredUsers(store: EmulatorStore, query: URLSearchParams) {
  return store.list({
    emails: filterValues(query, 'email_address'),
    externalIds: filterValues(query, 'external_id'),
    userIds: filterValues(query, 'user_id'),
  });
}

function listUsers(store: EmulatorStore, query: URLSearchParams) {
  const limit = intParam(query, 'limit', 10, 1, 500);
  const offset = intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const ascending = (query.get('order_by') ?? '-created_at').replace(/^\+/, '') === 'created_at';
  const users = filteredUsers(store, query).sort((a, b) => (ascending ? a.createdAt - b.createdAt : b.createdAt - a.createdAt));
  return users.slice(offset, offset + limit).map(userJson);
}

function createInvitation(store: EmulatorStore, raw: unknown) {
  const body = asBody(raw);
  rejectUnknown(body, INVITATION_PARAMS);
  const days = body.expires_in_days;
  const invitation = store.createInvitation(
    {
      emailAddress: assertEmail(body.email_address, 'email_address'),
      publicMetadata: optionalObject(body, 'public_metadata') ?? {},
      redirectUrl: optionalString(body, 'redirect_url') ?? null,
      notify: optionalBoolean(body, 'notify', true),
      expiresAt: typeof days === 'number' ? Date.now() + days * 86_400_000 : null,
    },
    optionalBoolean(body, 'ignore_existing', false),
  );
  return invitationJson(invitation);
}

function route(method: string, template: string, handle: ApiRoute['handle']): ApiRoute {
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
  return { method, template, pattern, handle };
}

/** The subset of Clerk's Backend API (`/v1`) the migrator uses. */
export function backendApiRoutes(store: EmulatorStore): ApiRoute[] {
  return [
    route('GET', '/v1/users/count', ({ query }) => ({ object: 'total_count', total_count: filteredUsers(store, query).length })),
    route('GET', '/v1/users', ({ query }) => listUsers(store, query)),
    route('POST', '/v1/users', ({ body }) => createUser(store, body)),
    route('GET', '/v1/users/{user_id}', ({ params }) => userJson(store.get(params.user_id))),
    route('PATCH', '/v1/users/{user_id}', ({ params, body }) => updateUser(store, params.user_id, body)),
    route('DELETE', '/v1/users/{user_id}', ({ params }) => deletedUserJson(store.delete(params.user_id))),
    route('POST', '/v1/invitations', ({ body }) => createInvitation(store, body)),
    route('POST', '/v1/invitations/{invitation_id}/revoke', ({ params }) => invitationJson(store.revokeInvitation(params.invitation_id))),
    ...invitationAndMetadataRoutes(store).map(([method, template, handle]) => route(method, template, handle)),
  ];
}
