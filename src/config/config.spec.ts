import { describe, expect, it } from '@jest/globals';
import { LOG_LEVELS, readAppConfig, showsStacks, startupLogLevel } from './app.config.js';
import { readAuthConfig } from './auth.config.js';
import { readClerkConfig } from './clerk.config.js';
import { readDatabaseConfig } from './database.config.js';
import { InvalidConfigError } from './env-reader.js';
import { readInvitationsConfig } from './invitations.config.js';
import { SERVICE_CONFIG, validateAll } from './config-root.js';

function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults with an empty environment', () => {
    expect(readAppConfig({})).toMatchObject({ port: 3000 });
    expect(readDatabaseConfig({}).url).toBeUndefined();
    expect(readClerkConfig({})).toMatchObject({ apiUrl: 'https://api.clerk.com', rateLimitPerSecond: 8, authorizedParties: [] });
  });

  it('paces at Clerk’s documented limit for the kind of key, unless told otherwise', () => {
    expect(readClerkConfig({ CLERK_SECRET_KEY: 'sk_live_abc' }).rateLimitPerSecond).toBe(80);
    expect(readClerkConfig({ CLERK_SECRET_KEY: 'sk_test_abc' }).rateLimitPerSecond).toBe(8);
    expect(readClerkConfig({ CLERK_SECRET_KEY: 'sk_live_abc', CLERK_RATE_LIMIT: '40' }).rateLimitPerSecond).toBe(40);
  });

  it("takes Clerk's per-endpoint limits by default, lower ones if set, and refuses higher ones by name", () => {
    expect(readClerkConfig({})).toMatchObject({ invitationsPerHour: 100, bulkInvitationsPerHour: 25, userUpdatesPer10s: 10 });
    expect(readClerkConfig({}).limitsTimeScale).toBe(1);
    expect(problemsOf(() => readClerkConfig({ CLERK_LIMITS_TIME_SCALE: '1000' }))).toEqual([
      "CLERK_LIMITS_TIME_SCALE must be 1 against Clerk's own API (a scale is for rehearsals against the emulator)",
    ]);
    const emulator = { CLERK_LIMITS_TIME_SCALE: '1000', CLERK_API_URL: 'http://127.0.0.1:4010', NODE_ENV: 'production' };
    expect(readClerkConfig(emulator).limitsTimeScale).toBe(1000);
    expect(readClerkConfig({ CLERK_INVITATIONS_PER_HOUR: '40' }).invitationsPerHour).toBe(40);
    const problems = problemsOf(() =>
      readClerkConfig({ CLERK_INVITATIONS_PER_HOUR: '101', CLERK_BULK_INVITATIONS_PER_HOUR: '50', CLERK_USER_UPDATES_PER_10S: '11' }),
    );
    expect(problems).toEqual([
      'CLERK_INVITATIONS_PER_HOUR must be a whole number from 1 to 100, got "101"',
      'CLERK_BULK_INVITATIONS_PER_HOUR must be a whole number from 1 to 25, got "50"',
      'CLERK_USER_UPDATES_PER_10S must be a whole number from 1 to 10, got "11"',
    ]);
  });

  it('names every bad variable and says what is wrong, all at once', () => {
    const problems = problemsOf(() =>
      readClerkConfig({ CLERK_SECRET_KEY: 'pk_test_oops', CLERK_API_URL: 'ftp://x', CLERK_RATE_LIMIT: 'fast' }),
    );
    expect(problems).toEqual([
      'CLERK_SECRET_KEY must start with sk_live_ or sk_test_',
      'CLERK_API_URL must be a http: or https: URL',
      'CLERK_RATE_LIMIT must be a number from 0.1 to 10000, got "fast"',
    ]);
    expect(problemsOf(() => readAppConfig({ PORT: '70000' }))).toEqual(['PORT must be a whole number from 0 to 65535, got "70000"']);
    expect(problemsOf(() => readDatabaseConfig({ DATABASE_URL: 'mysql://x' }))).toEqual([
      'DATABASE_URL must be a postgres: or postgresql: URL',
    ]);
  });

  it('splits comma-separated lists and trims them', () => {
    expect(readClerkConfig({ CLERK_AUTHORIZED_PARTIES: ' https://a.example , https://b.example,' }).authorizedParties).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('refuses production without Clerk’s secret key or a database of its own, naming each', () => {
    expect(problemsOf(() => readAppConfig({ NODE_ENV: 'production' }))).toEqual([
      'CLERK_SECRET_KEY is required when NODE_ENV=production (sk_live_… or sk_test_… from the Clerk dashboard)',
      'DATABASE_URL is required when NODE_ENV=production (the embedded PostgreSQL is for development only)',
    ]);
    const complete = { NODE_ENV: 'production', CLERK_SECRET_KEY: 'sk_live_abc', DATABASE_URL: 'postgres://db.example/app' };
    expect(readAppConfig(complete)).toMatchObject({ production: true });
    expect(readAppConfig({ NODE_ENV: 'development' })).toMatchObject({ production: false });
  });
});

describe('log levels', () => {
  it('shows stacks at debug and trace only', () => {
    expect(LOG_LEVELS.filter(showsStacks)).toEqual(['debug', 'trace']);
  });

  it('says everything before the JSON logger only when LOG_LEVEL asks for stacks, warnings otherwise', () => {
    expect(startupLogLevel({ LOG_LEVEL: ' trace ' })).toBe('trace');
    expect(startupLogLevel({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(startupLogLevel({ LOG_LEVEL: 'info' })).toBe('warn');
    expect(startupLogLevel({})).toBe('warn');
  });
});

describe('auth configuration', () => {
  const base = { LEGACY_JWT_SECRET: 'x'.repeat(32) };

  it('refuses production without CLERK_AUTHORIZED_PARTIES, naming it', () => {
    expect(problemsOf(() => readAuthConfig({ ...base, NODE_ENV: 'production' }))).toEqual([
      'CLERK_AUTHORIZED_PARTIES is required when NODE_ENV=production (the origins of your front end, e.g. https://app.example.com)',
    ]);
    expect(readAuthConfig({ ...base, NODE_ENV: 'production', CLERK_AUTHORIZED_PARTIES: 'https://app.example' })).toMatchObject({
      corsOrigins: ['https://app.example'],
    });
  });

  it('takes CORS origins from CORS_ORIGINS, or else from CLERK_AUTHORIZED_PARTIES', () => {
    expect(readAuthConfig(base).corsOrigins).toEqual([]);
    expect(readAuthConfig({ ...base, CLERK_AUTHORIZED_PARTIES: 'https://a.example' }).corsOrigins).toEqual(['https://a.example']);
    expect(
      readAuthConfig({ ...base, CLERK_AUTHORIZED_PARTIES: 'https://a.example', CORS_ORIGINS: 'https://b.example, https://c.example' })
        .corsOrigins,
    ).toEqual(['https://b.example', 'https://c.example']);
  });

  it('reads the operator machines as Clerk machine ids, and a short machine-token cache', () => {
    expect(readAuthConfig(base)).toMatchObject({ adminMachines: [], machineTokenCacheSeconds: 30 });
    expect(readAuthConfig({ ...base, CLERK_ADMIN_MACHINES: 'mch_a1, mch_b2' }).adminMachines).toEqual(['mch_a1', 'mch_b2']);
    expect(
      problemsOf(() => readAuthConfig({ ...base, CLERK_ADMIN_MACHINES: 'mch_a1,user_b2', CLERK_MACHINE_TOKEN_CACHE_SECONDS: '0' })),
    ).toEqual([
      expect.stringMatching(/^CLERK_ADMIN_MACHINES must list Clerk machine ids \(mch_…\), got user_b2/),
      expect.stringMatching(/^CLERK_MACHINE_TOKEN_CACHE_SECONDS /),
    ]);
  });

  it('has login limits that never count successes, and a bound on pending password checks', () => {
    expect(readAuthConfig(base)).toMatchObject({
      loginMaxFailuresPerIp: 30,
      loginMaxFailuresPerIpEmail: 5,
      loginMaxFailuresPerEmail: 20,
      loginWindowSeconds: 300,
    });
    expect(readAuthConfig({ ...base, LEGACY_BCRYPT_CONCURRENCY: '2' }).passwordChecksMaxPending).toBe(32);
    expect(problemsOf(() => readAuthConfig({ ...base, LOGIN_MAX_PENDING_CHECKS: '0' }))).toEqual([
      'LOGIN_MAX_PENDING_CHECKS must be a whole number from 1 to 100000, got "0"',
    ]);
  });

  it('refuses the retired login limits by name, saying what replaced them, instead of ignoring them', () => {
    const problems = problemsOf(() => readAuthConfig({ ...base, LOGIN_MAX_ATTEMPTS_PER_IP: '10', LOGIN_MAX_ATTEMPTS_PER_EMAIL: '5' }));
    expect(problems).toEqual([
      expect.stringMatching(/^LOGIN_MAX_ATTEMPTS_PER_IP is no longer read; use LOGIN_MAX_FAILURES_PER_IP /),
      expect.stringMatching(
        /^LOGIN_MAX_ATTEMPTS_PER_EMAIL is no longer read; use LOGIN_MAX_FAILURES_PER_IP_EMAIL and LOGIN_MAX_FAILURES_PER_EMAIL /,
      ),
    ]);
  });

  it('refuses the retired invitation pace: the invitations class limit is the one figure', () => {
    expect(problemsOf(() => readInvitationsConfig({ INVITATIONS_PER_HOUR: '100' }))).toEqual([
      expect.stringMatching(/^INVITATIONS_PER_HOUR is no longer read; use CLERK_INVITATIONS_PER_HOUR /),
    ]);
  });
});

describe('validateAll', () => {
  it('reports the bad variables of every namespace in one error', () => {
    const env = { CLERK_RATE_LIMIT: 'fast', MIGRATION_BATCH_SIZE: '500', LEGACY_AUTH_ENABLED: 'true', PORT: 'x' };
    let problems: string[] = [];
    try {
      validateAll(SERVICE_CONFIG, env);
    } catch (error) {
      problems = (error as InvalidConfigError).problems;
    }
    expect(problems).toEqual([
      'PORT must be a whole number from 0 to 65535, got "x"',
      'CLERK_RATE_LIMIT must be a number from 0.1 to 10000, got "fast"',
      'LEGACY_JWT_SECRET is required while LEGACY_AUTH_ENABLED is true',
      'MIGRATION_BATCH_SIZE must be a whole number from 1 to 100, got "500"',
    ]);
  });

  it('passes a good environment through unchanged', () => {
    const env = { LEGACY_JWT_SECRET: 'x'.repeat(32) };
    expect(validateAll(SERVICE_CONFIG, env)).toBe(env);
  });
});
