import { registerAs } from '@nestjs/config';
import { availableParallelism } from 'node:os';
import { EnvReader } from './env-reader.js';

export interface AuthConfig {
  legacyEnabled: boolean;
  /** HS256 key of legacy tokens; undefined only while legacy auth is off. */
  legacyJwtSecret: string | undefined;
  legacyJwtTtlSeconds: number;
  legacyJwtIssuer: string;
  legacyJwtAudience: string;
  /** Link a Clerk user to an unlinked local user with the same verified primary email on first sign-in. */
  linkClerkUsersByEmail: boolean;
  /** Login attempts allowed per client IP, and per email, within one window. */
  loginMaxAttemptsPerIp: number;
  loginMaxAttemptsPerEmail: number;
  loginWindowSeconds: number;
  /** Express `trust proxy`: only then does `X-Forwarded-For` decide the client IP. */
  trustProxy: boolean | number | string;
  /** Cost of the hash compared against when the email is unknown, so that both cases take as long. */
  dummyHashCost: number;
  /**
   * bcrypt comparisons at once. One core is left free by default, so that a storm of logins cannot
   * starve the event loop that answers health probes and every other request.
   */
  bcryptConcurrency: number;
}

export function readAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  const read = new EnvReader(env);
  const legacyEnabled = read.bool('LEGACY_AUTH_ENABLED', true);
  const secret = legacyEnabled ? read.required('LEGACY_JWT_SECRET', 'while LEGACY_AUTH_ENABLED is true') : read.optional('LEGACY_JWT_SECRET');
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    read.problem('LEGACY_JWT_SECRET', `must be at least 32 bytes long, got ${Buffer.byteLength(secret)}`);
  }
  const trustProxy = read.optional('TRUST_PROXY');
  return read.done({
    legacyEnabled,
    legacyJwtSecret: secret,
    legacyJwtTtlSeconds: read.int('LEGACY_JWT_TTL_SECONDS', 900, { min: 30, max: 86400 }),
    legacyJwtIssuer: read.string('LEGACY_JWT_ISSUER', 'clerk-migrate'),
    legacyJwtAudience: read.string('LEGACY_JWT_AUDIENCE', 'clerk-migrate-api'),
    linkClerkUsersByEmail: read.bool('CLERK_LINK_BY_VERIFIED_EMAIL', false),
    loginMaxAttemptsPerIp: read.int('LOGIN_MAX_ATTEMPTS_PER_IP', 30, { min: 1, max: 100000 }),
    loginMaxAttemptsPerEmail: read.int('LOGIN_MAX_ATTEMPTS_PER_EMAIL', 5, { min: 1, max: 100000 }),
    loginWindowSeconds: read.int('LOGIN_WINDOW_SECONDS', 300, { min: 1, max: 86400 }),
    trustProxy: parseTrustProxy(trustProxy),
    dummyHashCost: read.int('LEGACY_DUMMY_HASH_COST', 10, { min: 4, max: 15 }),
    bcryptConcurrency: read.int('LEGACY_BCRYPT_CONCURRENCY', Math.max(1, availableParallelism() - 1), { min: 1, max: 256 }),
  });
}

export const authConfig = registerAs('auth', () => readAuthConfig(process.env));

/** Express's `trust proxy`: true, a hop count, or a list of addresses and subnets. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}
