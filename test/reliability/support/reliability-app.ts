import type { INestApplication } from '@nestjs/common';
import { LOG_DESTINATION } from '../../../src/logging/logging.module.js';
import type { ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { createTestApp } from '../../utils/test-app.js';
import type { TestDatabase } from '../../utils/test-database.js';
import type { SecretWitness } from './secret-witness.js';

/** What every app of this suite runs with: the emulator, a quick retry policy, cost-4 dummy hash. */
export function clerkEnv(clerk: ClerkEmulator): Record<string, string> {
  return {
    CLERK_SECRET_KEY: clerk.secretKey,
    CLERK_API_URL: clerk.url,
    CLERK_RATE_LIMIT: '10000',
    CLERK_RETRY_BASE_DELAY_MS: '2',
    CLERK_RETRY_MAX_DELAY_MS: '50',
    CLERK_MAX_ATTEMPTS: '10',
    LEGACY_DUMMY_HASH_COST: '4',
  };
}

/**
 * The real app, logging at debug into the witness (so the scan sees every line it would print)
 * and with every response body it sends recorded by the witness.
 */
export async function createWatchedApp(
  databaseUrl: string,
  env: Record<string, string | undefined>,
  witness: SecretWitness,
): Promise<INestApplication> {
  const app = await createTestApp(databaseUrl, { LOG_LEVEL: 'debug', ...env }, (builder) =>
    builder.overrideProvider(LOG_DESTINATION).useValue(witness.logDestination),
  );
  witness.watch(app);
  return app;
}

/** Tears down what a file of this suite started, app first: it holds connections to the other two. */
export async function closeAll(
  app: INestApplication | undefined,
  clerk: ClerkEmulator | undefined,
  db: TestDatabase | undefined,
): Promise<void> {
  await app?.close();
  await clerk?.stop();
  await db?.drop();
}
