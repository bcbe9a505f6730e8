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
  /** Failed logins allowed per client address, per (address, email), and per email across addresses, in one window. */
  loginMaxFailuresPerIp: number;
  loginMaxFailuresPerIpEmail: number;
  loginMaxFailuresPerEmail: number;
  loginWindowSeconds: number;
  /** Express `trust proxy`: only then does `X-Forwarded-For` decide the client IP. */
  trustProxy: boolean | number | string;
  /**
   * bcrypt cost of the stand-in hash compared against for an unknown email while the users table holds
   * no hash to sample (otherwise the stand-in is one of the stored hashes of the most common shape).
   */
  dummyHashCost: number;
  /**
   * bcrypt comparisons at once. One core is left free by default, so that a storm of logins cannot
   * starve the event loop that answers health probes and every other request.
   */
  bcryptConcurrency: number;
  /** Password checks running or waiting at once; past that a login is answered 503 with Retry-After at once. */
  passwordChecksMaxPending: number;
  /** Origins a browser may call the API from (CORS), and from which a `__session` cookie is honoured. */
  corsOrigins: string[];
  /** Clerk machine ids (`mch_…`) whose M2M tokens are operators (the admin role). */
  adminMachines: string[];
  /** How long a Clerk verdict on an API key or opaque M2M token is remembered (never past the token's expiry). */
  machineTokenCacheSeconds: number;
}

export function readAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  const read = new EnvReader(env);
  const legacyEnabled = read.bool('LEGACY_AUTH_ENABLED', true);
  const secret = legacyEnabled
    ? read.required('LEGACY_JWT_SECRET', 'while LEGACY_AUTH_ENABLED is true')
    : read.optional('LEGACY_JWT_SECRET');
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    read.problem('LEGACY_JWT_SECRET', `must be at least 32 bytes long, got ${Buffer.byteLength(secret)}`);
  }
  const trustProxy = read.optional('TRUST_PROXY');
  const production = read.optional('NODE_ENV') === 'production';
  const authorizedParties = read.list('CLERK_AUTHORIZED_PARTIES');
  if (production && authorizedParties.length === 0) {
    // Unset, any site's Clerk session token of this instance would be accepted, and CORS would allow no origin.
    const why = 'is required when NODE_ENV=production (the origins of your front end, e.g. https://app.example.com)';
    read.problem('CLERK_AUTHORIZED_PARTIES', why);
  }
  // Both counted every login, successes too; their successors count failures only, so a value is not carried over.
  read.retired('LOGIN_MAX_ATTEMPTS_PER_IP', 'LOGIN_MAX_FAILURES_PER_IP (failed logins only)');
  read.retired('LOGIN_MAX_ATTEMPTS_PER_EMAIL', 'LOGIN_MAX_FAILURES_PER_IP_EMAIL and LOGIN_MAX_FAILURES_PER_EMAIL (failed logins only)');
  const bcryptConcurrency = read.int('LEGACY_BCRYPT_CONCURRENCY', Math.max(1, availableParallelism() - 1), { min: 1, max: 256 });
  const corsOrigins = read.list('CORS_ORIGINS');
  const adminMachines = read.list('CLERK_ADMIN_MACHINES');
  const notMachine = adminMachines.find((id) => !/^mch_\w+$/.test(id));
  if (notMachine !== undefined) read.problem('CLERK_ADMIN_MACHINES', `must list Clerk machine ids (mch_…), got ${notMachine}`);
  return read.done({
    legacyEnabled,
    legacyJwtSecret: secret,
    legacyJwtTtlSeconds: read.int('LEGACY_JWT_TTL_SECONDS', 900, { min: 30, max: 86400 }),
    legacyJwtIssuer: read.string('LEGACY_JWT_ISSUER', 'clerk-migrate'),
    legacyJwtAudience: read.string('LEGACY_JWT_AUDIENCE', 'clerk-migrate-api'),
    linkClerkUsersByEmail: read.bool('CLERK_LINK_BY_VERIFIED_EMAIL', false),
    loginMaxFailuresPerIp: read.int('LOGIN_MAX_FAILURES_PER_IP', 30, { min: 1, max: 1000000 }),
    loginMaxFailuresPerIpEmail: read.int('LOGIN_MAX_FAILURES_PER_IP_EMAIL', 5, { min: 1, max: 1000000 }),
    loginMaxFailuresPerEmail: read.int('LOGIN_MAX_FAILURES_PER_EMAIL', 20, { min: 1, max: 1000000 }),
    loginWindowSeconds: read.int('LOGIN_WINDOW_SECONDS', 300, { min: 1, max: 86400 }),
    trustProxy: parseTrustProxy(trustProxy),
    dummyHashCost: read.int('LEGACY_DUMMY_HASH_COST', 10, { min: 4, max: 15 }),
    bcryptConcurrency,
    passwordChecksMaxPending: read.int('LOGIN_MAX_PENDING_CHECKS', Math.max(16, bcryptConcurrency * 16), { min: 1, max: 100000 }),
    corsOrigins: corsOrigins.length > 0 ? corsOrigins : authorizedParties,
    adminMachines,
    machineTokenCacheSeconds: read.int('CLERK_MACHINE_TOKEN_CACHE_SECONDS', 30, { min: 1, max: 300 }),
  });
}

export const authConfig = registerAs('auth', () => readAuthConfig(process.env));

/** Express's `trust proxy`: true, a hop count, or a list of addresses and subnets. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}
