import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

/** Clerk's documented per-endpoint limits: a configured one may be lower, never higher. */
export const CLERK_INVITATIONS_PER_HOUR = 100;
export const CLERK_BULK_INVITATIONS_PER_HOUR = 25;
export const CLERK_USER_UPDATES_PER_10S = 10;

export interface ClerkConfig {
  /** Unset: every Clerk feature answers with a clear "not configured" error. */
  secretKey: string | undefined;
  apiUrl: string;
  /** PEM public key; when set, session tokens are verified without a network call. */
  jwtKey: string | undefined;
  /** Allowed `azp` origins; empty means the claim is not checked. */
  authorizedParties: string[];
  /** Backend API requests per second for every process on the database together (one shared budget). */
  rateLimitPerSecond: number;
  /**
   * `POST /v1/invitations` per hour, for the fleet (Clerk: 100). This and the next two are optional
   * in the type only, so that a config built by hand (tests, scripts) gets Clerk's figures without
   * naming them; `readClerkConfig` always sets them.
   */
  invitationsPerHour?: number;
  /** `POST /v1/invitations/bulk` per hour, for the fleet (Clerk: 25, of up to 10 invitations each). */
  bulkInvitationsPerHour?: number;
  /** `PATCH /v1/users/{id}` and the metadata routes per 10 s for one user (Clerk: 10). */
  userUpdatesPer10s?: number;
  /**
   * Divides the windows of the classes above, as the emulator's `timeScale` does its own: only for
   * rehearsals and tests against `npm run clerk:emulator -- --time-scale N` (the same N). 1: Clerk's hours.
   */
  limitsTimeScale?: number;
  requestTimeoutMs: number;
  /** Attempts per request for transient failures (5xx, network, timeout), the first included. */
  maxAttempts: number;
  /** Base delay of the exponential backoff between those attempts. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  clockSkewMs: number;
}

/**
 * Clerk's documented Backend API limits are 1,000 requests per 10 s for production instances
 * (`sk_live_`) and 100 per 10 s for development ones (`sk_test_`). The product itself calls the
 * same instance, so by default the migrator's whole fleet takes four fifths and leaves the rest.
 */
export function defaultRateLimit(secretKey: string | undefined): number {
  return secretKey?.startsWith('sk_live_') ? 80 : 8;
}

export function readClerkConfig(env: Record<string, string | undefined>): ClerkConfig {
  const read = new EnvReader(env);
  const secretKey = read.optional('CLERK_SECRET_KEY');
  if (secretKey !== undefined && !/^sk_(live|test)_\S+$/.test(secretKey)) {
    read.problem('CLERK_SECRET_KEY', 'must start with sk_live_ or sk_test_');
  }
  const jwtKey = read.optional('CLERK_JWT_KEY')?.replace(/\\n/g, '\n');
  if (jwtKey !== undefined && !jwtKey.includes('BEGIN PUBLIC KEY')) {
    read.problem('CLERK_JWT_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
  }
  const apiUrl = read.url('CLERK_API_URL', 'https://api.clerk.com', ['http:', 'https:'])!;
  const limitsTimeScale = read.number('CLERK_LIMITS_TIME_SCALE', 1, { min: 1, max: 1_000_000 });
  if (limitsTimeScale !== 1 && isClerksOwnApi(apiUrl)) {
    // Against the real Clerk a scaled hour sends a window's worth every few seconds, each met by an hour-long 429.
    read.problem('CLERK_LIMITS_TIME_SCALE', "must be 1 against Clerk's own API (a scale is for rehearsals against the emulator)");
  }
  return read.done({
    secretKey,
    apiUrl,
    jwtKey,
    authorizedParties: read.list('CLERK_AUTHORIZED_PARTIES'),
    rateLimitPerSecond: read.number('CLERK_RATE_LIMIT', defaultRateLimit(secretKey), { min: 0.1, max: 10000 }),
    invitationsPerHour: read.int('CLERK_INVITATIONS_PER_HOUR', CLERK_INVITATIONS_PER_HOUR, { min: 1, max: CLERK_INVITATIONS_PER_HOUR }),
    bulkInvitationsPerHour: read.int('CLERK_BULK_INVITATIONS_PER_HOUR', CLERK_BULK_INVITATIONS_PER_HOUR, {
      min: 1,
      max: CLERK_BULK_INVITATIONS_PER_HOUR,
    }),
    userUpdatesPer10s: read.int('CLERK_USER_UPDATES_PER_10S', CLERK_USER_UPDATES_PER_10S, { min: 1, max: CLERK_USER_UPDATES_PER_10S }),
    limitsTimeScale,
    requestTimeoutMs: read.int('CLERK_REQUEST_TIMEOUT_MS', 10000, { min: 100, max: 120000 }),
    maxAttempts: read.int('CLERK_MAX_ATTEMPTS', 5, { min: 1, max: 20 }),
    retryBaseDelayMs: read.int('CLERK_RETRY_BASE_DELAY_MS', 200, { min: 0, max: 60000 }),
    retryMaxDelayMs: read.int('CLERK_RETRY_MAX_DELAY_MS', 10000, { min: 0, max: 300000 }),
    clockSkewMs: read.int('CLERK_CLOCK_SKEW_MS', 5000, { min: 0, max: 300000 }),
  });
}

/**
 * Clerk's hosted Backend API, where hours are hours. Checked by address rather than by `NODE_ENV`:
 * rehearsals and benchmarks run the production build against the emulator.
 */
function isClerksOwnApi(apiUrl: string): boolean {
  const host = new URL(apiUrl).hostname.toLowerCase();
  return host === 'clerk.com' || host.endsWith('.clerk.com');
}

export const clerkConfig = registerAs('clerk', () => readClerkConfig(process.env));
