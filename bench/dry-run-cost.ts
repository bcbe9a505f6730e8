import { DEFAULT_LIVE_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers } from './lib/bench-database.js';
import { requestTotals } from './lib/emulator-counts.js';
import { runMigrationProcess } from './lib/migration-process.js';
import { publish, round } from './lib/results.js';

/**
 * Counts the Clerk requests a dry run of every legacy user costs, from the emulator's own tally,
 * against the production limit so that a 429 would show too.
 */
async function main(): Promise<void> {
  const users = argNumber('users', 20_000);
  const emulator = await startClerkEmulator({ rateLimit: { live: { requests: 1000, windowMs: 10_000 }, test: null } });
  const database = await createBenchDatabase('dry_run');
  try {
    await seedLegacyUsers(database.url, users, benchPasswordHash());
    const result = await runMigrationProcess('dry-run', {
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: DEFAULT_LIVE_SECRET_KEY,
      CLERK_API_URL: emulator.url,
    });
    const totals = requestTotals(emulator);
    const perUser = totals.limited / users;
    await publish({
      name: 'dry-run-cost',
      title: 'Dry-run cost in Clerk requests',
      figures: [
        { name: `legacy users planned`, value: Number(result.counts.total ?? 0), unit: `of ${users}` },
        { name: 'Clerk requests', value: totals.limited },
        { name: 'Clerk requests per user', value: perUser, target: '≤ 0.03', met: perUser <= 0.03 },
        {
          name: 'a per-user look-up would cost',
          value: 2,
          unit: 'requests per user (list + the SDK’s count; 1.0 counting the list alone)',
        },
        { name: 'saving vs a per-user look-up', value: 1 / perUser, unit: '× fewer requests than 1.0/user' },
        { name: 'dry-run time', value: result.elapsedMs / 1000, unit: 's' },
        { name: '429s received', value: totals.rateLimited, target: '0', met: totals.rateLimited === 0 },
      ],
      notes: [
        `One \`GET /v1/users?email_address=…\` per batch of 100 users, which \`@clerk/backend\` pairs with \`GET /v1/users/count\`: 2 requests per 100 users = ${round(2 / 100)} per user.`,
        'No external-id look-up: no earlier run created any of these users.',
      ],
      details: { users, byRoute: totals.byRoute, dryRun: result },
    });
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
