import { Inject, Injectable } from '@nestjs/common';
import { ClerkWebhookVerifier, WebhookSignatureError, type ClerkWebhookEvent } from '../clerk/clerk-webhook.verifier.js';
import { syncConfig, type SyncConfig } from '../config/sync.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
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
    private readonly metrics: MetricsService,
    @Inject(syncConfig.KEY) private readonly config: SyncConfig,
  ) {}

  async receive(rawBody: unknown, headers: Headers): Promise<{ received: true; duplicate: boolean }> {
    const secret = this.config.webhookSigningSecret;
    if (!secret) {
      this.metrics.webhookEvent('received', 'unknown', 'not_configured');
      // 503, so that Clerk keeps retrying until the secret is set.
      throw new SyncError(503, SyncErrorCode.WebhooksNotConfigured, 'Clerk webhooks are not configured: set CLERK_WEBHOOK_SIGNING_SECRET');
    }
    const event = await this.verified(rawBody, headers, secret);
    const stored = await this.events.store(String(headers['svix-id']), event);
    if (stored) this.worker.wake();
    this.metrics.webhookEvent('received', event.type, stored ? 'stored' : 'duplicate');
    return { received: true, duplicate: !stored };
  }

  private async verified(rawBody: unknown, headers: Headers, secret: string): Promise<ClerkWebhookEvent> {
    try {
      if (!Buffer.isBuffer(rawBody)) throw new WebhookSignatureError('the body is missing');
      return await this.verifier.verify(rawBody, headers, secret);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      this.metrics.webhookEvent('received', 'unknown', 'invalid_signature');
      throw new SyncError(400, SyncErrorCode.InvalidWebhookSignature, `The webhook signature is missing, wrong or stale: ${error.message}`);
    }
  }
}
