import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { clerkErrors } from './emulator-errors.js';
import { clerkId } from './emulator-ids.js';
import { deletedUserJson, userJson } from './emulator-serializers.js';
import {
  envelope,
  eventForBackendApi,
  LOCAL_REQUEST,
  sessionData,
  type HttpRequestAttributes,
  type WebhookEventType,
} from './emulator-webhook-payloads.js';
import {
  WebhookQueue,
  type AttemptOutcome,
  type Transport,
  type WebhookDelivery,
  type WebhookFaultKind,
  type WebhookOrdering,
} from './emulator-webhook-queue.js';
import type { StoredUser } from './emulator.types.js';

/** Svix's retry schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const SVIX_RETRY_DELAYS_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** Svix gives an endpoint 15 s to answer. */
const ATTEMPT_TIMEOUT_MS = 15_000;
const USER_AGENT = 'Svix-Webhooks/1.0 (clerk-emulator)';

export interface WebhookSettings {
  /** Where events are POSTed; unset or `null`: nothing is sent or recorded. */
  url?: string | null;
  /** `whsec_<base64>`; generated unless given. */
  secret?: string;
  /** Delays before each retry; Svix's schedule unless given. */
  retryDelaysMs?: number[];
  /** `strict` (the default): in order of occurrence unless a fault says otherwise; `independent`: as Svix, retries let later events go ahead. */
  ordering?: WebhookOrdering;
}

/** A Svix endpoint secret: `whsec_` and 24 random bytes in base64, as the Clerk dashboard shows it. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Who made the request: the peer address and its `User-Agent`. */
export function requestAttributes(req: IncomingMessage): HttpRequestAttributes {
  return { client_ip: req.socket.remoteAddress ?? '', user_agent: req.headers['user-agent'] ?? '' };
}

function isHttpUrl(value: unknown): boolean {
  try {
    return typeof value === 'string' && /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `whsec_` and base64 that `standardwebhooks` can decode into a key. */
function isSecret(value: unknown): boolean {
  try {
    return typeof value === 'string' && /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value) && new Webhook(value) instanceof Webhook;
  } catch {
    return false;
  }
}

function checkedSettings(settings: WebhookSettings): WebhookSettings {
  const { url, secret, retryDelaysMs, ordering } = settings;
  if (ordering !== undefined && ordering !== 'strict' && ordering !== 'independent') {
    throw clerkErrors.paramInvalid('ordering', 'must be strict or independent');
  }
  if (url !== undefined && url !== null && !isHttpUrl(url)) {
    throw clerkErrors.paramInvalid('url', 'must be an http or https URL');
  }
  if (secret !== undefined && !isSecret(secret)) throw clerkErrors.paramInvalid('secret', 'must be whsec_<base64>');
  if (retryDelaysMs !== undefined && !(Array.isArray(retryDelaysMs) && retryDelaysMs.every((d) => Number.isFinite(d) && d >= 0))) {
    throw clerkErrors.paramInvalid('retry_delays_ms', 'must be a list of non-negative numbers');
  }
  return settings;
}

/** One POST, on a connection of its own (nothing pooled outlives the emulator), never rejecting. */
function post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<AttemptOutcome> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        signal,
        timeout: ATTEMPT_TIMEOUT_MS,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}

/**
 * The emulator's webhook sender: turns changes into Clerk's events and hands them, signed the Svix
 * way by the `standardwebhooks` library, to the delivery queue.
 */
export class EmulatorWebhooks {
  readonly instanceId = clerkId('ins');
  private url: string | undefined;
  private secretValue: string;
  private retryDelaysMs: readonly number[];
  private ordering: WebhookOrdering;
  private signer: Webhook;
  private readonly queue: WebhookQueue;
  private readonly requestContext = new AsyncLocalStorage<HttpRequestAttributes>();

  constructor(settings: WebhookSettings = {}, transport?: Transport) {
    const { url, secret, retryDelaysMs } = checkedSettings(settings);
    this.url = url ?? undefined;
    this.secretValue = secret ?? generateWebhookSecret();
    this.signer = new Webhook(this.secretValue);
    this.retryDelaysMs = retryDelaysMs ?? SVIX_RETRY_DELAYS_MS;
    this.ordering = settings.ordering ?? 'strict';
    const send = transport ?? ((attempt) => this.send(attempt));
    this.queue = new WebhookQueue(
      send,
      () => this.retryDelaysMs,
      () => this.ordering,
    );
  }

  get secret(): string {
    return this.secretValue;
  }

  settings(): { url: string | null; secret: string; retryDelaysMs: number[]; ordering: WebhookOrdering } {
    return { url: this.url ?? null, secret: this.secretValue, retryDelaysMs: [...this.retryDelaysMs], ordering: this.ordering };
  }

  /** A `url` of `null` turns sending off; an unset `secret`, `retryDelaysMs` or `ordering` is kept. */
  configure(settings: WebhookSettings & { url: string | null }) {
    const { url, secret, retryDelaysMs, ordering } = checkedSettings(settings);
    if (ordering !== undefined) this.ordering = ordering;
    this.url = url ?? undefined;
    if (secret !== undefined) {
      this.secretValue = secret;
      this.signer = new Webhook(secret);
    }
    if (retryDelaysMs !== undefined) this.retryDelaysMs = [...retryDelaysMs];
    return this.settings();
  }

  /** Runs `fn` with `attributes` as the `event_attributes.http_request` of the events it causes. */
  withRequest<T>(attributes: HttpRequestAttributes, fn: () => T): T {
    return this.requestContext.run(attributes, fn);
  }

  userCreated(user: StoredUser): void {
    this.emit('user.created', user.id, () => userJson(user));
  }

  userUpdated(user: StoredUser): void {
    this.emit('user.updated', user.id, () => userJson(user));
  }

  userDeleted(user: StoredUser): void {
    this.emit('user.deleted', user.id, () => deletedUserJson(user));
  }

  sessionCreated(user: StoredUser, sessionId: string): void {
    const session = { id: sessionId, clientId: clerkId('client'), createdAt: Date.now() };
    this.emit('session.created', user.id, () => sessionData(session, user));
  }

  /** After a successful Backend API call: the event its answer shows, if any. */
  afterBackendApi(method: string, template: string, result: unknown, req: IncomingMessage): void {
    const event = this.url === undefined ? undefined : eventForBackendApi(method, template, result);
    if (event) this.withRequest(requestAttributes(req), () => this.emit(event.type, event.clerkUserId, () => event.data));
  }

  deliveries(): WebhookDelivery[] {
    return this.queue.deliveries();
  }

  idle(timeoutMs: number): Promise<void> {
    return this.queue.idle(timeoutMs);
  }

  injectFault(kind: WebhookFaultKind, count: number): void {
    this.queue.injectFault(kind, count);
  }

  reset(): void {
    this.queue.reset();
  }

  stop(): void {
    this.queue.stop();
  }

  /** `data` is built only when events are sent: seeding a million users with no URL costs nothing extra. */
  private emit(type: WebhookEventType, clerkUserId: string, data: () => Record<string, unknown>): void {
    if (this.url === undefined) return;
    const attributes = this.requestContext.getStore() ?? LOCAL_REQUEST;
    const body = JSON.stringify(envelope(type, data(), this.instanceId, attributes, Date.now()));
    this.queue.enqueue({ svixId: clerkId('msg'), type, clerkUserId }, body);
  }

  /** Each attempt is signed afresh (a new `svix-timestamp`, the same `svix-id`), as Svix does on retries. */
  private send({ svixId, body, signal }: { svixId: string; body: string; signal: AbortSignal }): Promise<AttemptOutcome> {
    if (this.url === undefined) return Promise.resolve({ error: 'no webhook URL configured' });
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'svix-id': svixId,
      'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
      'svix-signature': this.signer.sign(svixId, now, body),
    };
    return post(this.url, headers, body, signal);
  }
}
