import type { ClerkRequestOutcome } from './clerk-request.pacer.js';

/**
 * Optional: whoever wants to know how each Clerk request ended (metrics) provides one under this
 * token, and the gateway tells it; the gateway itself knows nothing of what listens.
 */
export abstract class ClerkRequestObserver {
  abstract observe(outcome: ClerkRequestOutcome): void;
}
