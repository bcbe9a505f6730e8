import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { readAppConfig } from '../../src/config/app.config.js';
import { SERVICE_CONFIG, validateAll } from '../../src/config/config-root.js';
import { EnvReader, InvalidConfigError } from '../../src/config/env-reader.js';
import { DEFAULT_TEST_SECRET_KEY, generateWebhookSecret } from '../clerk-emulator/index.js';
import { DEMO_DATABASE } from './demo-world.js';

type Env = Record<string, string | undefined>;

/** What `npm run dev` gives the API on top of the caller's environment, once its world runs. */
export function apiEnvironment(
  env: Env,
  world: { databaseUrl: string; clerk: { url: string; secretKey: string; webhookSecret: string } },
): Env {
  return {
    DATABASE_URL: world.databaseUrl,
    CLERK_SECRET_KEY: world.clerk.secretKey,
    CLERK_API_URL: world.clerk.url,
    // The emulator signs the webhooks it sends the API with this secret.
    CLERK_WEBHOOK_SIGNING_SECRET: world.clerk.webhookSecret,
    LEGACY_JWT_SECRET: env.LEGACY_JWT_SECRET ?? randomBytes(32).toString('hex'),
    MIGRATION_SCHEDULE_ENABLED: env.MIGRATION_SCHEDULE_ENABLED ?? 'false',
  };
}

/**
 * Every setting dev and its API read, checked before anything starts (`.env` is merged into the
 * environment by then), against stand-ins for what the world will provide: a bad value is reported
 * the way the service reports it, and nothing of a running dev's world is touched.
 */
export function devSettings(env: Env): { apiPort: number; emulatorPort: number } {
  const problems: string[] = [];
  const emulatorPort = collectProblems(problems, () => {
    const read = new EnvReader(env);
    return read.done(read.int('CLERK_EMULATOR_PORT', 4010, { min: 0, max: 65535 }));
  });
  const standIn = {
    databaseUrl: env.DATABASE_URL?.trim() || `postgres://127.0.0.1/${DEMO_DATABASE}`,
    clerk: { url: `http://127.0.0.1:${emulatorPort ?? 4010}`, secretKey: DEFAULT_TEST_SECRET_KEY, webhookSecret: generateWebhookSecret() },
  };
  const apiEnv = { ...env, ...apiEnvironment(env, standIn) };
  collectProblems(problems, () => validateAll(SERVICE_CONFIG, apiEnv));
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return { apiPort: readAppConfig(apiEnv).port, emulatorPort: emulatorPort! };
}

function collectProblems<T>(problems: string[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Fails with Node's EADDRINUSE (and the port) when `port` is taken, bound as the API binds it (every
 * address), so that a dev that could not listen at the end stops before rebuilding any world.
 */
export async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
