import type { IncomingMessage } from 'node:http';
import { handleAdmin, type EmulatorInternals } from './emulator-admin.routes.js';
import { deleteUser, editUser, signUp } from './emulator-dashboard.js';
import { clerkErrors } from './emulator-errors.js';
import { WEBHOOK_FAULT_KINDS, type WebhookDelivery, type WebhookFaultKind, type WebhookOrdering } from './emulator-webhook-queue.js';
import { requestAttributes } from './emulator-webhooks.js';
import { asBody, optionalBoolean, optionalName, optionalObject, optionalString, type Body } from './emulator-validation.js';

type Handler = (internals: EmulatorInternals, body: Body, params: Record<string, string>) => unknown;

interface AdminRoute {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

function route(method: string, path: string, handle: Handler): AdminRoute {
  return { method, pattern: new RegExp(`^/__emulator${path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`), handle };
}

function deliveryJson(delivery: WebhookDelivery) {
  return {
    svix_id: delivery.svixId,
    type: delivery.type,
    clerk_user_id: delivery.clerkUserId,
    attempts: delivery.attempts,
    status: delivery.status,
    last_status: delivery.lastStatus,
    last_error: delivery.lastError,
    copies: delivery.copies,
  };
}

function settingsJson({ webhooks }: EmulatorInternals) {
  const { url, secret, retryDelaysMs, ordering } = webhooks.settings();
  return { url, secret, retry_delays_ms: retryDelaysMs, ordering };
}

function configure(internals: EmulatorInternals, body: Body) {
  const delays = body.retry_delays_ms;
  if (delays !== undefined && !Array.isArray(delays)) throw clerkErrors.paramInvalid('retry_delays_ms', 'must be a list of numbers');
  internals.webhooks.configure({
    url: optionalString(body, 'url') ?? null,
    secret: optionalString(body, 'secret') ?? undefined,
    retryDelaysMs: delays as number[] | undefined,
    ordering: (optionalString(body, 'ordering') ?? undefined) as WebhookOrdering | undefined,
  });
  return settingsJson(internals);
}

function injectFault(internals: EmulatorInternals, body: Body) {
  const kind = body.kind as WebhookFaultKind;
  const count = body.count ?? 1;
  if (!WEBHOOK_FAULT_KINDS.includes(kind)) throw clerkErrors.paramInvalid('kind', `must be one of ${WEBHOOK_FAULT_KINDS.join(', ')}`);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    throw clerkErrors.paramInvalid('count', 'must be a positive integer');
  internals.webhooks.injectFault(kind, count);
  return { kind, count };
}

/** Waits, as `webhooksIdle` does, but answers `{idle: false, pending}` on timeout instead of failing. */
async function waitForIdle({ webhooks }: EmulatorInternals, body: Body) {
  const timeoutMs = body.timeout_ms ?? 10_000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw clerkErrors.paramInvalid('timeout_ms', 'must be a non-negative number');
  const idle = await webhooks.idle(timeoutMs).then(
    () => true,
    () => false,
  );
  return { idle, pending: webhooks.deliveries().filter((d) => d.status === 'pending').length };
}

function signUpRoute(internals: EmulatorInternals, body: Body) {
  const result = signUp(internals, {
    email: String(body.email ?? ''),
    password: optionalString(body, 'password') ?? undefined,
    firstName: optionalName(body, 'first_name') ?? undefined,
    lastName: optionalName(body, 'last_name') ?? undefined,
    publicMetadata: optionalObject(body, 'public_metadata'),
    unsafeMetadata: optionalObject(body, 'unsafe_metadata'),
    verified: optionalBoolean(body, 'verified', true),
    azp: optionalString(body, 'azp') ?? undefined,
  });
  return { user_id: result.userId, session_id: result.sessionId, token: result.token };
}

function editUserRoute(internals: EmulatorInternals, body: Body, { user_id }: Record<string, string>) {
  return editUser(internals, user_id, {
    email: optionalString(body, 'email') ?? undefined,
    firstName: optionalName(body, 'first_name'),
    lastName: optionalName(body, 'last_name'),
    publicMetadata: optionalObject(body, 'public_metadata'),
    unsafeMetadata: optionalObject(body, 'unsafe_metadata'),
  });
}

const routes: AdminRoute[] = [
  route('GET', '/webhooks', (internals) => ({ ...settingsJson(internals), deliveries: internals.webhooks.deliveries().map(deliveryJson) })),
  route('PUT', '/webhooks', configure),
  route('POST', '/webhooks/faults', injectFault),
  route('POST', '/webhooks/idle', waitForIdle),
  route('POST', '/sign-up', signUpRoute),
  route('PATCH', '/users/{user_id}', editUserRoute),
  route('DELETE', '/users/{user_id}', (internals, _body, { user_id }) => deleteUser(internals, user_id)),
];

/**
 * The test-only `/__emulator` routes, the webhook and dashboard ones first. The events a route causes
 * carry the caller's address and `User-Agent`, as Clerk's `event_attributes.http_request` does.
 */
export function handleEmulatorAdmin(internals: EmulatorInternals, req: IncomingMessage, path: string, body: unknown): unknown {
  const method = req.method ?? 'GET';
  return internals.webhooks.withRequest(requestAttributes(req), () => {
    for (const candidate of routes) {
      const found = candidate.method === method ? candidate.pattern.exec(path) : null;
      if (found) return candidate.handle(internals, asBody(body), { ...found.groups });
    }
    return handleAdmin(internals, method, path, body);
  });
}
