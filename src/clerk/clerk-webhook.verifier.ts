import { Injectable } from '@nestjs/common';
import type { UserJSON } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import type { ClerkUser } from './clerk.gateway.js';
import { clerkUserFromJson } from './clerk-user.mapper.js';

/** A verified Clerk webhook event in our terms; nothing of the SDK leaks past `src/clerk`. */
export interface ClerkWebhookEvent {
  /** `user.created`, `user.updated`, `user.deleted`, `session.created`, or any other Clerk sends. */
  type: string;
  /** When Clerk emitted the event, in milliseconds. */
  timestamp: number;
  /** The account the event is about (a session's user for `session.created`); null for others. */
  clerkUserId: string | null;
  /** The account as Clerk had it, for `user.created` and `user.updated`. */
  user: ClerkUser | null;
}

/** The signature was missing, wrong, or made more than Clerk's tolerance (5 minutes) away from now. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** Verifies Clerk's Svix-signed deliveries; the port, and its injection token. */
export abstract class ClerkWebhookVerifier {
  /** Throws `WebhookSignatureError` unless `rawBody` carries a valid signature of `signingSecret`. */
  abstract verify(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    signingSecret: string,
  ): Promise<ClerkWebhookEvent>;
}

const SIGNATURE_HEADERS = ['svix-id', 'svix-timestamp', 'svix-signature'] as const;

/** `@clerk/backend`'s `verifyWebhook` (Standard Webhooks, 5-minute tolerance) over the raw bytes. */
@Injectable()
export class ClerkSdkWebhookVerifier extends ClerkWebhookVerifier {
  async verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, signingSecret: string): Promise<ClerkWebhookEvent> {
    const request = new Request('http://localhost/webhooks/clerk', { method: 'POST', headers: signatureHeaders(headers), body: rawBody });
    let event: Awaited<ReturnType<typeof verifyWebhook>>;
    try {
      event = await verifyWebhook(request, { signingSecret });
    } catch (error) {
      throw new WebhookSignatureError(error instanceof Error ? error.message : 'Unable to verify the webhook');
    }
    return toEvent(event.type, event.timestamp, event.data as unknown as Record<string, unknown>);
  }
}

function signatureHeaders(headers: Record<string, string | string[] | undefined>): Headers {
  const out = new Headers();
  for (const name of SIGNATURE_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out.set(name, value);
  }
  return out;
}

function toEvent(type: string, timestamp: unknown, data: Record<string, unknown> | null): ClerkWebhookEvent {
  const at = typeof timestamp === 'number' ? timestamp : Date.now();
  const event: ClerkWebhookEvent = { type, timestamp: at, clerkUserId: null, user: null };
  if (!data || typeof data !== 'object') return event;
  if (type === 'user.created' || type === 'user.updated') {
    const user = clerkUserFromJson(data as unknown as UserJSON);
    // Events are stored until applied (and a while after): of the private metadata, only the migrator's
    // ownership marker is ever read, so nothing else the product keeps there is written down here.
    return { ...event, clerkUserId: String(data.id), user: { ...user, privateMetadata: markerOnly(user.privateMetadata) } };
  }
  if (type === 'user.deleted') return { ...event, clerkUserId: typeof data.id === 'string' ? data.id : null };
  if (type === 'session.created') return { ...event, clerkUserId: typeof data.user_id === 'string' ? data.user_id : null };
  return event;
}

/** The two keys of the migrator's ownership marker (`migratedBy`, `runId`), nothing else. */
function markerOnly(privateMetadata: Record<string, unknown>): Record<string, unknown> {
  const { migratedBy, runId } = privateMetadata;
  return { ...(migratedBy !== undefined && { migratedBy }), ...(runId !== undefined && { runId }) };
}
