import { DEFAULT_LIVE_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { argNumber, argNumbers } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers } from './lib/bench-database.js';
import { runMigrationProcess } from './lib/migration-process.js';
import { publish, round, type Figure } from './lib/results.js';

const MIB = 1024 * 1024;

interface Point {
  users: number;
  seconds: number;
  usersPerSecond: number;
  peakRssMiB: number;
  status: string;
  created: number;
}

/**
 * Migrates growing numbers of legacy users against an emulator without a rate limit, and reports
 * how time and the migration process's peak memory grow. `--sizes 10000,100000,1000000`.
 */
async function main(): Promise<void> {
  const sizes = argNumbers('sizes', [10_000, 100_000, 1_000_000]);
  const concurrency = argNumber('concurrency', 32);
  const hash = benchPasswordHash();
  const points: Point[] = [];
  for (const users of sizes) points.push(await measure(users, concurrency, hash));
  const base = points[0];
  await publish({
    name: 'scale',
    title: 'Scale curve (emulator without a rate limit)',
    figures: points.flatMap((p) => toFigures(p, base)),
    notes: [
      `Sizes run: ${sizes.join(', ')}. CLERK_RATE_LIMIT=10000 (the configuration's maximum), MIGRATION_CONCURRENCY=${concurrency}; a fresh emulator per size, in the bench process (the migration runs in a child process of its own).`,
      'Linearity: the time per user at each size against the smallest size (1.0 = perfectly linear; the target allows 20%).',
      'Peak RSS: the kernel’s VmHWM of the migration process, start-up included.',
      ...notRun(sizes, points),
      'The emulator’s `GET /v1/users` filters go through its email and external-id indexes, so its share of the time does not grow with the number of stored users.',
    ],
    details: { sizes, concurrency, points },
  });
}

async function measure(users: number, concurrency: number, hash: string): Promise<Point> {
  const emulator = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
  const database = await createBenchDatabase(`scale_${users}`);
  try {
    await seedLegacyUsers(database.url, users, hash);
    console.log(`scale: ${users} users`);
    const result = await runMigrationProcess('migrate', {
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: DEFAULT_LIVE_SECRET_KEY,
      CLERK_API_URL: emulator.url,
      CLERK_RATE_LIMIT: '10000',
      MIGRATION_CONCURRENCY: String(concurrency),
    });
    const seconds = result.elapsedMs / 1000;
    const peak = Math.max(result.peakRssBytes, result.hwmBytes ?? 0);
    return {
      users,
      seconds,
      usersPerSecond: users / seconds,
      peakRssMiB: peak / MIB,
      status: result.status,
      created: Number(result.counts.created ?? 0),
    };
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

/** The million-user point takes over an hour here; say so, with an estimate from the largest size run. */
function notRun(sizes: number[], points: Point[]): string[] {
  if (sizes.includes(1_000_000)) return [];
  const largest = points[points.length - 1];
  const minutes = Math.round(1_000_000 / largest.usersPerSecond / 60);
  return [
    `1,000,000 not run: at the ${round(largest.usersPerSecond)} users/s measured at ${largest.users} it takes about ${minutes} min; \`npm run bench:scale -- --sizes 1000000\` runs it.`,
  ];
}

function toFigures(p: Point, base: Point): Figure[] {
  const linearity = p.seconds / p.users / (base.seconds / base.users);
  const memoryTarget = p.users >= 1_000_000 ? { target: '< 300 MiB', met: p.peakRssMiB < 300 } : {};
  return [
    { name: `${p.users} users: time`, value: p.seconds, unit: `s (${p.created} created, ${p.status})` },
    { name: `${p.users} users: users/s`, value: p.usersPerSecond },
    { name: `${p.users} users: time per user vs ${base.users}`, value: round(linearity), target: '≤ 1.2', met: linearity <= 1.2 },
    { name: `${p.users} users: peak RSS`, value: p.peakRssMiB, unit: 'MiB', ...memoryTarget },
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
