import { AppError } from '../common/app-error.js';

export enum SyncErrorCode {
  WebhooksNotConfigured = 'webhooks_not_configured',
  InvalidWebhookSignature = 'invalid_webhook_signature',
  SyncInProgress = 'sync_in_progress',
}

export class SyncError extends AppError {}

/** Thrown while applying an event that must wait (a rollback in flight may own the deletion): tried again after `delayMs`. */
export class PostponeEvent extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'PostponeEvent';
  }
}
