import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Test } from 'supertest';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';

/** A signing secret the way Clerk's dashboard shows one. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface Delivery {
  type: string;
  data: Record<string, unknown>;
  /** The svix-id; a new one unless given (a duplicate delivery repeats one). */
  id?: string;
  /** When it was signed; now unless given (a stale delivery is older than 5 minutes). */
  signedAt?: Date;
  /** Clerk's event `timestamp`, in milliseconds; now unless given. */
  timestamp?: number;
  secret?: string;
}

/** Clerk's envelope, signed the Svix way (Standard Webhooks), ready to post to `POST /webhooks/clerk`. */
export function signedDelivery(secret: string, delivery: Delivery): { headers: Record<string, string>; body: string; id: string } {
  const id = delivery.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
  const signedAt = delivery.signedAt ?? new Date();
  const body = JSON.stringify({
    data: delivery.data,
    object: 'event',
    type: delivery.type,
    timestamp: delivery.timestamp ?? Date.now(),
    instance_id: 'ins_test',
    event_attributes: { http_request: { client_ip: '127.0.0.1', user_agent: 'test' } },
  });
  const signature = new Webhook(delivery.secret ?? secret).sign(id, signedAt, body);
  const headers = {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
    'svix-signature': signature,
  };
  return { headers, body, id };
}

/** Posts a signed delivery with supertest's `post`. */
export function deliver(post: (url: string) => Test, secret: string, delivery: Delivery): Test {
  const { headers, body } = signedDelivery(secret, delivery);
  return post('/webhooks/clerk').set(headers).send(body);
}

/** The emulator's account as Clerk's webhook `data` carries it (its own inspection fields aside). */
export function userData(clerk: ClerkEmulator, clerkUserId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const user = clerk.users().find((candidate) => candidate.id === clerkUserId);
  if (!user) throw new Error(`no emulator user ${clerkUserId}`);
  const { password_digest: _digest, password_hasher: _hasher, ...data } = user as Record<string, unknown>;
  return { ...data, ...overrides };
}
