import { hashSync } from '@node-rs/bcrypt';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TEST_SECRET_KEY, startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { startAppProcess } from '../lib/app-process.js';
import { argNumber } from '../lib/args.js';
import { createBenchDatabase, seedLegacyUsers } from '../lib/bench-database.js';
import { publish } from '../lib/results.js';
import { connectionsLeft, sample, type Sample } from './soak-samplers.js';
import { SoakTally, SoakTraffic } from './soak-traffic.js';

const PASSWORD = 'soak-password';
const USERS = 2000;
const FAULTS = { errorRate5xx: 0.05, dropRate: 0.02, lostResponseRate: 0.01 };

/**
 * `--minutes` (30) of mixed traffic against the app in its own process, with Clerk faults on:
 * logins, `/users/me` with legacy and Clerk tokens, a migration run every 20 s and a rollback of
 * it every 45 s. Reports answers and errors by kind, memory and database connections over time,
 * and connections left open once the app has stopped.
 */
async function main(): Promise<void> {
  const minutes = argNumber('minutes', 30);
  const workers = argNumber('workers', 8);
  const clerk = await startClerkEmulator({ rateLimit: false, faults: FAULTS, developmentUserCap: false });
  const database = await createBenchDatabase('soak');
  try {
    await soak(database.url, clerk, minutes, workers);
  } finally {
    await clerk.stop();
    await database.drop();
  }
}

async function soak(databaseUrl: string, clerk: ClerkEmulator, minutes: number, workers: number): Promise<void> {
  const dbName = new URL(databaseUrl).pathname.slice(1);
  const hash = hashSync(PASSWORD, 10);
  await seedLegacyUsers(databaseUrl, USERS, hash);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`INSERT INTO users (email, password_hash, name, role) VALUES ('soak.admin@example.com', $1, 'Soak Admin', 'admin')`, [
    hash,
  ]);
  const app = await startAppProcess({
    DATABASE_URL: databaseUrl,
    CLERK_SECRET_KEY: DEFAULT_TEST_SECRET_KEY,
    CLERK_API_URL: clerk.url,
    CLERK_RATE_LIMIT: '200',
    CLERK_RETRY_BASE_DELAY_MS: '20',
    CLERK_MAX_ATTEMPTS: '8',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_IP_EMAIL: '100000',
    LOGIN_MAX_FAILURES_PER_EMAIL: '100000',
    LOGIN_WINDOW_SECONDS: '60',
  });
  const startedAt = Date.now();
  const samples: Sample[] = [];
  let linked: string[] = [];
  const refreshLinked = async () => {
    linked = (
      await client.query<{ id: string }>(
        'SELECT clerk_user_id AS id FROM users WHERE clerk_user_id IS NOT NULL ORDER BY random() LIMIT 500',
      )
    ).rows.map((r) => r.id);
  };
  const traffic = new SoakTraffic(
    {
      url: app.url,
      clerk,
      admin: { email: 'soak.admin@example.com', password: PASSWORD },
      emails: emails(USERS),
      password: PASSWORD,
      linkedClerkIds: () => linked,
    },
    new SoakTally(),
  );
  const until = startedAt + minutes * 60_000;
  try {
    await Promise.all([
      ...Array.from({ length: workers }, () => every(0, until, () => traffic.userRequest())),
      every(20_000, until, () => traffic.startRun()),
      sleep(10_000).then(() => every(45_000, until, () => traffic.rollbackLastRun())),
      every(5_000, until, refreshLinked),
      every(10_000, until, async () => void samples.push(await sample(app.url, client, dbName, startedAt))),
    ]);
    samples.push(await sample(app.url, client, dbName, startedAt));
  } finally {
    await app.stop();
  }
  const leaked = await connectionsLeft(client, dbName);
  const duplicates = duplicateExternalIds(clerk);
  await client.end();
  await report(minutes, workers, traffic.tally, samples, leaked, duplicates);
}

/** Calls `work` until `until`, then again `intervalMs` after each call ends; one call's failure is counted, not fatal. */
async function every(intervalMs: number, until: number, work: () => Promise<void>): Promise<void> {
  while (Date.now() < until) {
    await work().catch((error: unknown) => console.error(error));
    if (intervalMs > 0) await sleep(Math.min(intervalMs, Math.max(0, until - Date.now())));
  }
}

function emails(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench.user${i + 1}@example.com`);
}

function duplicateExternalIds(clerk: ClerkEmulator): number {
  const ids = clerk
    .users()
    .map((u) => u.external_id)
    .filter((id): id is string => id !== null);
  return ids.length - new Set(ids).size;
}

async function report(
  minutes: number,
  workers: number,
  tally: SoakTally,
  samples: Sample[],
  leaked: number,
  duplicates: number,
): Promise<void> {
  const total = Object.values(tally.answers).reduce((a, b) => a + b, 0);
  const errors = Object.values(tally.errors).reduce((a, b) => a + b, 0);
  const rss = samples.map((s) => s.rssMiB);
  const heap = samples.map((s) => s.heapUsedMiB);
  const connections = samples.map((s) => s.dbConnections);
  await publish({
    name: 'soak',
    title: `Soak: ${minutes} min of mixed traffic with Clerk faults on`,
    figures: [
      { name: 'requests', value: total, unit: `(${workers} user workers + runs every 20 s + rollbacks every 45 s)` },
      { name: 'unexpected answers', value: errors, target: '0', met: errors === 0 },
      { name: 'RSS first / max / last', value: `${rss[0]} / ${Math.max(...rss)} / ${rss.at(-1)}`, unit: 'MiB' },
      { name: 'heap used first / max / last', value: `${heap[0]} / ${Math.max(...heap)} / ${heap.at(-1)}`, unit: 'MiB' },
      {
        name: 'DB connections max during the run',
        value: Math.max(...connections),
        target: '≤ pool size + 1 (lock)',
        met: Math.max(...connections) <= 11,
      },
      { name: 'DB connections left after the app stopped', value: leaked, target: '0', met: leaked === 0 },
      { name: 'duplicate external_ids in Clerk', value: duplicates, target: '0', met: duplicates === 0 },
    ],
    notes: [
      `Clerk faults: ${FAULTS.errorRate5xx * 100}% 5xx, ${FAULTS.dropRate * 100}% dropped connections, ${FAULTS.lostResponseRate * 100}% lost answers, on every Backend API route.`,
      'Expected answers (not errors): 409 when a run or rollback meets another in progress; 401 for a Clerk token of a user rolled back since it was sampled.',
      `Answers by kind: ${JSON.stringify(tally.answers)}`,
      `Unexpected answers by kind: ${JSON.stringify(tally.errors)}`,
    ],
    details: { answers: tally.answers, errors: tally.errors, samples },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
