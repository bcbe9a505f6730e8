import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_VERIFIED_TOKENS } from '../src/common/verified-token-cache.js';
import { DEFAULT_TEST_SECRET_KEY, startClerkEmulator, type ClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers, withClient } from './lib/bench-database.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { verifyCost } from './lib/verify-cost.js';
import { publish, round, type Figure } from './lib/results.js';

const PASSWORD = 'bench-password';
const LEGACY_EMAIL = 'bench.user1@example.com';

/**
 * Requests per second of `GET /users/me` with a Clerk session token and with a legacy token,
 * against `GET /health/live` (public) of the same app, measured one after another in one run; and
 * of an operator route (`GET /migration/runs?limit=1`, which machines may reach and `/users/me` does
 * not) with an admin's Clerk session token and with that admin's Clerk API key (verdict cached).
 */
async function main(): Promise<void> {
  const durationSeconds = argNumber('duration', 10);
  const connections = argNumber('connections', 10);
  const rounds = argNumber('rounds', 5);
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('auth');
  await seedLegacyUsers(database.url, 1, benchPasswordHash(PASSWORD));
  const app = await startAppProcess({ DATABASE_URL: database.url, CLERK_SECRET_KEY: DEFAULT_TEST_SECRET_KEY, CLERK_API_URL: emulator.url });
  try {
    const clerkToken = (await linkedClerkUser(emulator, database.url, 'user')).token;
    const legacyToken = await legacyLogin(app.url);
    const admin = await linkedClerkUser(emulator, database.url, 'admin');
    const apiKey = emulator.machineAuth.createApiKey({ subject: admin.clerkUserId, name: 'bench admin key' }).secret;
    const operatorRoute = `${app.url}/migration/runs?limit=1`;
    const targets = {
      public: { url: `${app.url}/health/live` },
      clerk: { url: `${app.url}/users/me`, headers: { authorization: `Bearer ${clerkToken}` } },
      legacy: { url: `${app.url}/users/me`, headers: { authorization: `Bearer ${legacyToken}` } },
      adminSession: { url: operatorRoute, headers: { authorization: `Bearer ${admin.token}` } },
      apiKey: { url: operatorRoute, headers: { authorization: `Bearer ${apiKey}` } },
    };
    // A short warm-up of each route: JIT, the JWKS fetch, the connection pool.
    for (const target of Object.values(targets)) await runLoad({ ...target, connections, durationSeconds: 2 });
    const verifyCallsBefore = apiKeyVerifications(emulator);
    const results = await interleaved(targets, { connections, durationSeconds: durationSeconds / rounds, rounds });
    const apiKeyCalls = apiKeyVerifications(emulator) - verifyCallsBefore;
    const verification = await verifyCost(emulator, clerkToken);
    await publish({
      name: 'auth',
      title: 'Authenticated request throughput',
      figures: [
        ...toFigures(results),
        { name: 'Clerk token verification, uncached', value: verification.uncachedMs, unit: 'ms per request' },
        { name: 'Clerk token verification, cached', value: verification.cachedMs, unit: 'ms per request' },
        { name: 'Clerk token vs legacy token, req/s', value: results.clerk.requestsPerSecond / results.legacy.requestsPerSecond },
        {
          name: 'API key vs admin session on GET /migration/runs, req/s',
          value: results.apiKey.requestsPerSecond / results.adminSession.requestsPerSecond,
          target: '≥ 0.8',
          met: results.apiKey.requestsPerSecond / results.adminSession.requestsPerSecond >= 0.8,
        },
        {
          name: 'Clerk API key verifications during the measured rounds',
          value: apiKeyCalls,
          unit: `for ${results.apiKey.total} requests`,
        },
      ],
      notes: [
        `autocannon, ${connections} connections, ${durationSeconds} s per route in ${rounds} interleaved rounds (public, Clerk, legacy, public, …) against one app process, so that a change in the machine's load hits every route alike; p50/p99 are the median over the rounds.`,
        'Clerk tokens verified against the emulator’s JWKS (fetched once, then cached by @clerk/backend).',
        'The app and autocannon each get about one of the two cores.',
        `Token verification is cached (src/common/verified-token-cache.ts: SHA-256 of the token as key, dropped at the token's exp, ${DEFAULT_MAX_VERIFIED_TOKENS} entries at most, failures never stored): ${round(verification.uncachedMs)} ms → ${round(verification.cachedMs)} ms per request.`,
        'The resolved principal is cached too (src/auth/auth.service.ts, lru-cache: 30 s at most, never past the token’s exp, 10,000 entries), together with the caller’s profile, so for a token it has seen neither the guard nor /users/me makes a query; what is left of the gap is the guard, the DTO mapping and the security headers’ share, against a public route that does no I/O either.',
        'The Clerk and legacy routes do the same work once their tokens are cached; the difference between their ratios is noise of the run.',
        'The API key is verified by Clerk (POST /api_keys/verify on the emulator, through the shared request budget) once per CLERK_MACHINE_TOKEN_CACHE_SECONDS (30 s): the verdict, the principal with it, is remembered (src/auth/machine-principal.resolver.ts), so each request after the first costs a SHA-256 and a map look-up, as a session does. GET /migration/runs reads the database on every request, so its req/s is below the /users/me figures for both tokens.',
      ],
      details: { connections, durationSeconds, rounds, results, verification, apiKeyCalls },
    });
  } finally {
    await app.stop();
    await database.drop();
    await emulator.stop();
  }
}

type Target = { url: string; headers?: Record<string, string> };

/** Each route in turn, `rounds` times; per route the total requests over the total time. */
async function interleaved(
  targets: Record<string, Target>,
  options: { connections: number; durationSeconds: number; rounds: number },
): Promise<Record<string, LoadResult>> {
  const perRound: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, target] of Object.entries(targets))
      perRound[name].push(await runLoad({ ...target, connections: options.connections, durationSeconds: options.durationSeconds }));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return Object.fromEntries(
    Object.entries(perRound).map(([name, runs]) => {
      const total = runs.reduce((sum, r) => sum + r.total, 0);
      return [
        name,
        {
          requestsPerSecond: total / (options.durationSeconds * options.rounds),
          p50Ms: median(runs.map((r) => r.p50Ms)),
          p99Ms: median(runs.map((r) => r.p99Ms)),
          total,
          bad: runs.reduce((sum, r) => sum + r.bad, 0),
          statusCounts: {},
        },
      ];
    }),
  );
}

/** A Clerk user of this role linked to a local row, and a session token for it that outlives the run. */
async function linkedClerkUser(
  emulator: ClerkEmulator,
  databaseUrl: string,
  role: string,
): Promise<{ clerkUserId: string; token: string }> {
  const userId = randomUUID();
  const email = `bench.clerk.${role}@example.com`;
  const clerkUser = emulator.seedUser({ email, externalId: userId, firstName: 'Bench', lastName: 'Clerk' });
  await withClient(databaseUrl, (client) =>
    client.query(
      `INSERT INTO users (user_id, clerk_user_id, email, name, role, created_at) VALUES ($1, $2, $3, 'Bench Clerk', $4, now())`,
      [userId, clerkUser.id, email, role],
    ),
  );
  return { clerkUserId: clerkUser.id, token: emulator.mintSessionToken({ sub: clerkUser.id, expiresInSeconds: 3600 }) };
}

function apiKeyVerifications(emulator: ClerkEmulator): number {
  return Object.values(emulator.requestCounts()['POST /api_keys/verify'] ?? {}).reduce((sum, n) => sum + n, 0);
}

async function legacyLogin(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: LEGACY_EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`legacy login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

function toFigures(results: Record<string, LoadResult>): Figure[] {
  const base = results.public.requestsPerSecond;
  const labels: Record<string, string> = {
    public: 'GET /health/live (public)',
    clerk: 'GET /users/me, Clerk token',
    legacy: 'GET /users/me, legacy token',
    adminSession: 'GET /migration/runs, admin Clerk token',
    apiKey: 'GET /migration/runs, admin Clerk API key',
  };
  return Object.entries(results).flatMap(([name, r]) => {
    const ratio = r.requestsPerSecond / base;
    return [
      { name: `${labels[name]}: req/s`, value: r.requestsPerSecond, unit: r.bad > 0 ? `(${r.bad} bad answers)` : undefined },
      { name: `${labels[name]}: p50 / p99`, value: `${r.p50Ms} / ${r.p99Ms}`, unit: 'ms' },
      ...(name === 'public' || name === 'adminSession' || name === 'apiKey'
        ? []
        : [{ name: `${labels[name]}: ratio to public`, value: ratio, target: '≥ 0.8', met: ratio >= 0.8 }]),
    ];
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
