export {
  ClerkEmulator,
  DEFAULT_LIVE_SECRET_KEY,
  DEFAULT_TEST_SECRET_KEY,
  NO_RATE_LIMIT,
  startClerkEmulator,
  type ClerkEmulatorOptions,
} from './clerk-emulator.js';
export { EmulatorHttpError } from './emulator-errors.js';
export type { FaultConfigInput, FaultSettings } from './emulator-faults.js';
export { CLERK_RATE_LIMITS } from './emulator-rate-limiter.js';
export type { SessionTokenOptions } from './emulator-sessions.js';
export type { FaultKind, RateLimitRule, RateLimitSettings } from './emulator.types.js';
export type { EditUserInput, SignUpInput } from './emulator-dashboard.js';
export type { HttpRequestAttributes, WebhookEnvelope, WebhookEventType } from './emulator-webhook-payloads.js';
export type { DeliveryStatus, WebhookDelivery, WebhookFaultKind, WebhookOrdering } from './emulator-webhook-queue.js';
export { generateWebhookSecret, SVIX_RETRY_DELAYS_MS, type WebhookSettings } from './emulator-webhooks.js';
