import { userJson } from './emulator-serializers.js';
import type { StoredUser } from './emulator.types.js';

export type WebhookEventType = 'user.created' | 'user.updated' | 'user.deleted' | 'session.created';

/** `event_attributes.http_request`: who made the change that caused the event. */
export interface HttpRequestAttributes {
  client_ip: string;
  user_agent: string;
}

/** The attributes of a change made through the emulator's TypeScript API, where there is no HTTP request. */
export const LOCAL_REQUEST: HttpRequestAttributes = { client_ip: '127.0.0.1', user_agent: 'clerk-emulator' };

/** An event ready to queue: its type, the Clerk user it concerns, and its envelope. */
export interface WebhookEvent {
  type: WebhookEventType;
  clerkUserId: string;
  payload: WebhookEnvelope;
}

/** `WebhookEventPayload` in Clerk's webhook spec (`webhooks/2025-04-15.yml`). */
export interface WebhookEnvelope {
  data: Record<string, unknown>;
  object: 'event';
  type: WebhookEventType;
  timestamp: number;
  instance_id: string;
  event_attributes: { http_request: HttpRequestAttributes };
}

/** Clerk's default maximum session lifetime (7 days) and the abandonment time in the spec's example (30 days). */
const SESSION_LIFETIME_MS = 7 * 86_400_000;
const SESSION_ABANDON_MS = 30 * 86_400_000;

export interface SessionRecord {
  id: string;
  clientId: string;
  createdAt: number;
}

export function envelope(
  type: WebhookEventType,
  data: Record<string, unknown>,
  instanceId: string,
  attributes: HttpRequestAttributes,
  nowMs: number,
): WebhookEnvelope {
  return { data, object: 'event', type, timestamp: nowMs, instance_id: instanceId, event_attributes: { http_request: attributes } };
}

/** `SessionEventPayload`: Clerk's `Session` plus the `user` it belongs to. */
export function sessionData(session: SessionRecord, user: StoredUser): Record<string, unknown> {
  return {
    object: 'session',
    id: session.id,
    user_id: user.id,
    client_id: session.clientId,
    actor: null,
    status: 'active',
    last_active_organization_id: null,
    last_active_at: session.createdAt,
    expire_at: session.createdAt + SESSION_LIFETIME_MS,
    abandon_at: session.createdAt + SESSION_ABANDON_MS,
    created_at: session.createdAt,
    updated_at: session.createdAt,
    user: userJson(user),
  };
}

/** Whether `value` is Clerk's `User` JSON (or a `DeletedObject` of a user). */
function asUserResult(value: unknown): { id: string; deleted?: boolean } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return record.object === 'user' && typeof record.id === 'string' ? (record as { id: string; deleted?: boolean }) : undefined;
}

/**
 * The event a successful Backend API call causes, read from its answer, so that routes added later
 * (a metadata update, a ban) emit `user.updated` without knowing about webhooks: a created user,
 * a deleted user, or any other write that answers with a `User`.
 */
export function eventForBackendApi(
  method: string,
  template: string,
  result: unknown,
): { type: WebhookEventType; clerkUserId: string; data: Record<string, unknown> } | undefined {
  const user = asUserResult(result);
  if (method === 'GET' || user === undefined) return undefined;
  const data = result as Record<string, unknown>;
  if (user.deleted === true) return { type: 'user.deleted', clerkUserId: user.id, data };
  const type = method === 'POST' && template === '/v1/users' ? 'user.created' : 'user.updated';
  return { type, clerkUserId: user.id, data };
}
