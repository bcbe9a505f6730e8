import { readClerkConfig, type ClerkConfig } from '../../src/config/clerk.config.js';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';

/**
 * The Clerk configuration the service reads from these variables (through `readClerkConfig`, so
 * with its defaults and checks), on the emulator and with a quick retry policy: for tests that build
 * a gateway themselves. `env` adds or replaces variables; an `undefined` unsets one.
 */
export function emulatorClerkConfig(
  emulator: Pick<ClerkEmulator, 'secretKey' | 'url'>,
  env: Record<string, string | undefined> = {},
): ClerkConfig {
  return readClerkConfig({
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_API_URL: emulator.url,
    CLERK_RATE_LIMIT: '1000',
    CLERK_REQUEST_TIMEOUT_MS: '2000',
    CLERK_MAX_ATTEMPTS: '3',
    CLERK_RETRY_BASE_DELAY_MS: '10',
    CLERK_RETRY_MAX_DELAY_MS: '50',
    ...env,
  });
}
