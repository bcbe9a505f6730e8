import type { ApiRoute } from './emulator-api.routes.js';
import { clerkErrors } from './emulator-errors.js';
import { apiKeyJson, m2mTokenJson, type EmulatorMachineAuth } from './emulator-machine-auth.js';
import { asBody, optionalObject, optionalString, rejectUnknown, type Body } from './emulator-validation.js';

const CREATE_API_KEY_PARAMS = ['type', 'name', 'description', 'subject', 'claims', 'scopes', 'created_by', 'seconds_until_expiration'];

function route(method: string, template: string, handle: ApiRoute['handle']): ApiRoute {
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
  return { method, template, pattern, handle };
}

/**
 * Each route under Clerk's `/v1` (as the published spec has it) and without it: `@clerk/backend`
 * calls `/api_keys…` and `/m2m_tokens…` with no version prefix.
 */
function both(method: string, template: string, handle: ApiRoute['handle']): ApiRoute[] {
  return [route(method, `/v1${template}`, handle), route(method, template, handle)];
}

function requiredString(body: Body, param: string): string {
  const value = optionalString(body, param);
  if (!value) throw clerkErrors.paramMissing(param);
  return value;
}

function stringList(body: Body, param: string): string[] | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw clerkErrors.paramInvalid(param, 'must be a list of strings');
  return value as string[];
}

function positiveSeconds(body: Body, param: string): number | null {
  const value = body[param];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !(value > 0)) throw clerkErrors.paramInvalid(param, 'must be a positive number');
  return value;
}

function revocationReason(raw: unknown): string | null {
  const body = asBody(raw);
  rejectUnknown(body, ['revocation_reason']);
  return optionalString(body, 'revocation_reason') ?? null;
}

function createApiKey(auth: EmulatorMachineAuth, raw: unknown) {
  const body = asBody(raw);
  rejectUnknown(body, CREATE_API_KEY_PARAMS);
  const key = auth.createApiKey({
    subject: requiredString(body, 'subject'),
    name: requiredString(body, 'name'),
    description: optionalString(body, 'description'),
    claims: optionalObject(body, 'claims') ?? null,
    scopes: stringList(body, 'scopes'),
    createdBy: optionalString(body, 'created_by'),
    secondsUntilExpiration: positiveSeconds(body, 'seconds_until_expiration'),
  });
  return apiKeyJson(key, false, true);
}

function apiKeyRoutes(auth: EmulatorMachineAuth): ApiRoute[] {
  return [
    ...both('POST', '/api_keys/verify', ({ body }) => {
      const secret = requiredString(asBody(body), 'secret');
      const key = auth.verifyApiKey(secret);
      return apiKeyJson(key, false);
    }),
    ...both('POST', '/api_keys', ({ body }) => createApiKey(auth, body)),
    ...both('GET', '/api_keys', ({ query }) => {
      const subject = query.get('subject');
      if (!subject) throw clerkErrors.paramMissing('subject');
      const keys = auth.listApiKeys(subject, query.get('include_invalid') === 'true');
      return { data: keys.map((key) => apiKeyJson(key, auth.hasExpired(key))), total_count: keys.length };
    }),
    ...both('POST', '/api_keys/{api_key_id}/revoke', ({ params, body }) => {
      const key = auth.revokeApiKey(params.api_key_id, revocationReason(body));
      return apiKeyJson(key, auth.hasExpired(key));
    }),
  ];
}

function m2mTokenRoutes(auth: EmulatorMachineAuth): ApiRoute[] {
  return [
    ...both('POST', '/m2m_tokens/verify', ({ body }) => {
      const token = auth.verifyM2mToken(requiredString(asBody(body), 'token'));
      return m2mTokenJson(token, false);
    }),
    ...both('GET', '/m2m_tokens', ({ query }) => {
      const subject = query.get('subject');
      if (!subject) throw clerkErrors.paramMissing('subject');
      const tokens = auth.listM2mTokens(subject, query.get('revoked') === 'true', query.get('expired') === 'true');
      return { data: tokens.map((token) => m2mTokenJson(token, auth.hasExpired(token))), total_count: tokens.length };
    }),
    ...both('POST', '/m2m_tokens/{m2m_token_id}/revoke', ({ params, body }) => {
      const token = auth.revokeM2mToken(params.m2m_token_id, revocationReason(body));
      return m2mTokenJson(token, auth.hasExpired(token));
    }),
  ];
}

/**
 * Clerk's machine authentication: API keys (issue, list, revoke, verify) and M2M tokens (list,
 * revoke, verify). Clerk issues M2M tokens only to a machine's own secret key, which the emulator
 * does not model: tests and the demo mint them with `emulator.machineAuth.createM2mToken`.
 */
export function machineAuthRoutes(auth: EmulatorMachineAuth): ApiRoute[] {
  return [...apiKeyRoutes(auth), ...m2mTokenRoutes(auth)];
}
