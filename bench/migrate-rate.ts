import { DEFAULT_LIVE_SECRET_KEY, DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers } from './lib/bench-database.js';
import { requestTotals } from './lib/emulator-counts.js';
import { runMigrationProcess } from './lib/migration-process.js';
import { publish, round, type Figure } from './lib/results.js';

/** Clerk's documented limits, per 10 s window. */
const WINDOW_MS = 10_000;
const LATENCY_MS = 20;
/** Users per planner look-up; each look-up costs 2 requests (list + the SDK's count). */
const BATCH = 100;

interface Scenario {
  label: string;
  secretKey: string;
  requestsPerWindow: number;
  users: number;
}

/**
 * Migrates legacy users against an emulator that enforces Clerk's limit with 20 ms of latency, and
 * compares the users per second reached with the limit, one create per user being the ceiling.
 */
async function main(): Promise<void> {
  const hash = benchPasswordHash();
  const scenarios: Scenario[] = [
    { label: 'production', secretKey: DEFAULT_LIVE_SECRET_KEY, requestsPerWindow: 1000, users: argNumber('users', 5000) },
    { label: 'development', secretKey: DEFAULT_TEST_SECRET_KEY, requestsPerWindow: 100, users: argNumber('dev-users', 300) },
  ];
  const measured = [];
  for (const scenario of scenarios) measured.push(await measure(scenario, hash));
  await publish({
    name: 'migrate-rate',
    title: 'Migration at the rate limit',
    figures: measured.flatMap(toFigures),
    notes: [
      `Emulator enforcing Clerk's sliding 10 s window with ${LATENCY_MS} ms latency per request; CLERK_RATE_LIMIT set to the whole of Clerk's limit (100 req/s live, 10 req/s test; the defaults keep a fifth back for the product); MIGRATION_CONCURRENCY 16.`,
      `Ceiling: one create per user plus one look-up (2 requests) per ${BATCH} users, so at most ${round((100 * BATCH) / (BATCH + 2))}% of the limit in users per second.`,
      'The gateway paces with the budget shared through PostgreSQL (src/clerk/postgres-request-budget.ts; the migration child has a database, as the CLI does): slots 1/rate apart, trimmed so that a window at Clerk, which may take in what was sent over 10.1 s, holds one request less than the limit (the SDK sends a list and its count together). Ceiling with the look-ups: about 0.97 of the limit in production, 0.96 in development.',
      'The next batch is planned while the current one migrates (read-ahead in the runner), so look-ups do not leave the budget idle between batches.',
    ],
    details: { scenarios: measured },
  });
}

async function measure(scenario: Scenario, hash: string) {
  const limitPerSecond = scenario.requestsPerWindow / (WINDOW_MS / 1000);
  const emulator = await startClerkEmulator({
    rateLimit: { live: { requests: 1000, windowMs: WINDOW_MS }, test: { requests: 100, windowMs: WINDOW_MS } },
    faults: { latencyMs: LATENCY_MS },
    // It measures pacing at the development limit, not the development instance's 100-user cap.
    developmentUserCap: false,
  });
  const database = await createBenchDatabase(`rate_${scenario.label}`);
  try {
    await seedLegacyUsers(database.url, scenario.users, hash);
    console.log(`${scenario.label}: ${scenario.users} users at ${limitPerSecond} req/s`);
    const env = {
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: scenario.secretKey,
      CLERK_API_URL: emulator.url,
      CLERK_RATE_LIMIT: String(limitPerSecond),
    };
    const result = await runMigrationProcess('migrate', env);
    const totals = requestTotals(emulator);
    const created = Number(result.counts.created ?? 0);
    const usersPerSecond = created / (result.elapsedMs / 1000);
    return {
      ...scenario,
      limitPerSecond,
      seconds: result.elapsedMs / 1000,
      created,
      failed: Number(result.counts.failed ?? 0),
      usersPerSecond,
      ratio: usersPerSecond / limitPerSecond,
      requestsPerSecond: totals.limited / (result.elapsedMs / 1000),
      rateLimited: totals.rateLimited,
      status: result.status,
      requests: totals.byRoute,
    };
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

function toFigures(m: Awaited<ReturnType<typeof measure>>): Figure[] {
  const tag = `${m.label} (${m.requestsPerWindow}/10 s, ${m.users} users)`;
  return [
    { name: `${tag}: users/s`, value: m.usersPerSecond, unit: `in ${round(m.seconds)} s` },
    { name: `${tag}: ratio to the limit`, value: m.ratio, target: '≥ 0.95', met: m.ratio >= 0.95 },
    { name: `${tag}: Clerk requests/s sent`, value: m.requestsPerSecond, unit: `of ${m.limitPerSecond}` },
    { name: `${tag}: 429s received`, value: m.rateLimited, target: '0', met: m.rateLimited === 0 },
    { name: `${tag}: failed users`, value: m.failed, target: '0', met: m.failed === 0 && m.created === m.users },
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
