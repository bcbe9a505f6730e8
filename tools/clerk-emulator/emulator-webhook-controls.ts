import type { EmulatorInternals, SignInResult } from './emulator-admin.routes.js';
import { deleteUser, editUser, signUp, type EditUserInput, type SignUpInput } from './emulator-dashboard.js';
import type { WebhookDelivery, WebhookFaultKind } from './emulator-webhook-queue.js';
import type { WebhookSettings } from './emulator-webhooks.js';

/**
 * The webhook side of `ClerkEmulator`'s test controls: where events go, what became of them, the
 * faults they meet, and the changes at Clerk (sign-up, dashboard edits) that cause them.
 */
export abstract class ClerkEmulatorWebhookControls {
  readonly #internals: EmulatorInternals;

  protected constructor(internals: EmulatorInternals) {
    this.#internals = internals;
  }

  /** The Svix signing secret (`whsec_…`) deliveries are signed with: the service's `CLERK_WEBHOOK_SIGNING_SECRET`. */
  get webhookSecret(): string {
    return this.#internals.webhooks.secret;
  }

  webhookSettings() {
    return this.#internals.webhooks.settings();
  }

  /** `url: null` stops sending; an unset `secret`, `retryDelaysMs` or `ordering` is kept. */
  configureWebhooks(settings: WebhookSettings & { url: string | null }): void {
    this.#internals.webhooks.configure(settings);
  }

  webhookDeliveries(): WebhookDelivery[] {
    return this.#internals.webhooks.deliveries();
  }

  /** Resolves once no delivery is pending; rejects after `timeoutMs`. */
  webhooksIdle(timeoutMs = 10_000): Promise<void> {
    return this.#internals.webhooks.idle(timeoutMs);
  }

  /** The next `count` events are delivered twice, held back behind the event that follows, or lost. */
  injectWebhookFault(kind: WebhookFaultKind, count = 1): void {
    this.#internals.webhooks.injectFault(kind, count);
  }

  /** A person signs up on the product's Clerk page; throws `EmulatorHttpError` 422 for a taken email. */
  signUp(input: SignUpInput): SignInResult {
    return signUp(this.#internals, input);
  }

  /** An edit in Clerk's dashboard. */
  editUser(id: string, input: EditUserInput) {
    return editUser(this.#internals, id, input);
  }

  /** A deletion in Clerk's dashboard. */
  deleteUser(id: string) {
    return deleteUser(this.#internals, id);
  }
}
