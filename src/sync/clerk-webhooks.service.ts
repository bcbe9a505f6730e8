import { Inject, Injectable } from '@nestjs/common';
import { ClerkWebhookVerifier, WebhookSignatureError } from '../clerk/clerk-webhook.verifier.js';
import { syncConfig, type SyncConfig } from '../config/sync.config.js';
import { ClerkEventsWorker } from './clerk-events.worker.js';
import { ClerkWebhookEventsRepository } from './clerk-webhook-events.repository.js';
import { SyncError, SyncErrorCode } from './sync.error.js';

type Headers = Record<string, string | string[] | undefined>;

/**
 * Receives Clerk's deliveries the Svix way: verify the signature on the raw body, store the event
 * (once per `svix-id`), answer, and let the worker apply it. Nothing here calls Clerk.
 */
@Injectable()
export class ClerkWebhooksService {
  constructor(
    private readonly verifier: ClerkWebhookVerifier,
    private readonly events: ClerkWebhookEventsRepository,
    private readonly worker: ClerkEventsWorker,
    @Inject(syncConfig.KEY) private readonly config: SyncConfig,
  ) {}

  async receive(rawBody: unknown, headers: Headers): Promise<{ received: true; duplicate: boolean }> {
    const secret = this.config.webhookSigningSecret;
    // 503, so that Clerk keeps retrying until the secret is set.
    if (!secret)
      throw new SyncError(503, SyncErrorCode.WebhooksNotConfigured, 'Clerk webhooks are not configured: set CLERK_WEBHOOK_SIGNING_SECRET');
    if (!Buffer.isBuffer(rawBody)) throw invalidSignature('the body is missing');
    const event = await this.verifier.verify(rawBody, headers, secret).catch((error: unknown) => {
      throw error instanceof WebhookSignatureError ? invalidSignature(error.message) : error;
    });
    const stored = await this.events.store(String(headers['svix-id']), event);
    if (stored) this.worker.wake();
    return { received: true, duplicate: !stored };
  }
}

function invalidSignature(why: string): SyncError {
  return new SyncError(400, SyncErrorCode.InvalidWebhookSignature, `The webhook signature is missing, wrong or stale: ${why}`);
}
