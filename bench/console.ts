import { gzipSync } from 'node:zlib';
import { DEFAULT_LIVE_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers, withClient } from './lib/bench-database.js';
import { percentile } from './lib/percentile.js';
import { publish, round } from './lib/results.js';

const ADMIN_EMAIL = 'bench.admin@example.com';
const PASSWORD = 'bench-password';
const PAGE_BUDGET_BYTES = 200 * 1024;
/** What the overview asks for, at once, every 3 seconds. */
const OVERVIEW = ['/console/api/counts', '/migration/runs?limit=5', '/console/api/activity?days=3', '/console/api/lock'];
/** What it asks for once a minute, in a section of its own: the count by password format. */
const SLOW = '/migration/stats';

/**
 * The operator console: the first load's weight (gzip, as a compressing proxy would send it), and
 * the overview's requests on a million users (`--users`), 40% of them on Clerk, with as many audit
 * rows spread over the last three days.
 */
async function main(): Promise<void> {
  const users = argNumber('users', 1_000_000);
  const rounds = argNumber('rounds', 10);
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('console');
  try {
    console.log(`console: seeding ${users} users and ${users} audit rows`);
    await seed(database.url, users);
    const app = await startAppProcess({
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: DEFAULT_LIVE_SECRET_KEY,
      CLERK_API_URL: emulator.url,
    });
    try {
      const weight = await pageWeight(app.url);
      const token = await adminLogin(app.url);
      const timings = await overviewTimings(app.url, token, rounds);
      await report(users, rounds, weight, timings);
    } finally {
      await app.stop();
    }
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

async function seed(url: string, users: number): Promise<void> {
  await seedLegacyUsers(url, users, benchPasswordHash(PASSWORD));
  await withClient(url, async (client) => {
    await client.query(`UPDATE users SET clerk_user_id = 'user_bench' || substr(md5(user_id::text), 1, 20) WHERE random() < 0.4`);
    await client.query(
      `INSERT INTO users (user_id, email, password_hash, name, role, created_at) VALUES (gen_random_uuid(), $1, $2, 'Bench Admin', 'admin', now())`,
      [ADMIN_EMAIL, benchPasswordHash(PASSWORD)],
    );
    const actions = ['auth.login.succeeded', 'auth.login.failed', 'migration.user.created', 'auth.clerk.first_sign_in'];
    await client.query(
      `INSERT INTO audit_logs (user_id, actor, action, details, created_at)
       SELECT NULL, 'bench', ($2::text[])[1 + i % 4], jsonb_build_object('reason', 'wrong_password'), now() - (i % 259200) * interval '1 second'
         FROM generate_series(1, $1::int) AS i`,
      [users, actions],
    );
    // As autovacuum leaves an append-mostly table: its visibility map set, so index-only scans stay so.
    await client.query('VACUUM ANALYZE users');
    await client.query('VACUUM ANALYZE audit_logs');
  });
}

async function pageWeight(appUrl: string): Promise<{ raw: number; gzip: number; files: Record<string, number> }> {
  const files: Record<string, number> = {};
  let raw = 0;
  let gzip = 0;
  for (const path of ['/console', '/console/assets/console.js', '/console/assets/console.css']) {
    const body = Buffer.from(await (await fetch(appUrl + path)).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body, { level: 6 }).length;
    files[path] = body.length;
  }
  return { raw, gzip, files };
}

async function adminLogin(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`admin login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

type Timings = Record<string, number[]>;

/** Each request alone, then all of them at once as the page sends them; `rounds` times after one warm-up. */
async function overviewTimings(appUrl: string, token: string, rounds: number): Promise<Timings> {
  const get = async (path: string) => {
    const started = performance.now();
    const response = await fetch(appUrl + path, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    return performance.now() - started;
  };
  const timings: Timings = Object.fromEntries([...OVERVIEW, SLOW, 'overview'].map((name) => [name, []]));
  for (let round = -1; round < rounds; round++) {
    for (const path of [...OVERVIEW, SLOW]) {
      const ms = await get(path);
      if (round >= 0) timings[path].push(ms);
    }
    const started = performance.now();
    await Promise.all(OVERVIEW.map(get));
    if (round >= 0) timings.overview.push(performance.now() - started);
  }
  return timings;
}

async function report(users: number, rounds: number, weight: Awaited<ReturnType<typeof pageWeight>>, timings: Timings): Promise<void> {
  const overviewP50 = percentile(timings.overview, 50);
  await publish({
    name: 'console',
    title: 'Operator console: page weight and the overview at scale',
    figures: [
      {
        name: 'first load, gzip (page, script, style sheet)',
        value: round(weight.gzip / 1024),
        unit: 'KiB',
        target: '≤ 200 KiB',
        met: weight.gzip <= PAGE_BUDGET_BYTES,
      },
      { name: 'first load, uncompressed', value: round(weight.raw / 1024), unit: 'KiB' },
      ...OVERVIEW.map((path) => ({
        name: `${path} p50, ${users.toLocaleString('en')} users`,
        value: percentile(timings[path], 50),
        unit: 'ms',
      })),
      {
        name: `overview (its four requests at once) p50, ${users.toLocaleString('en')} users`,
        value: overviewP50,
        unit: 'ms',
        target: '< 1000 ms',
        met: overviewP50 < 1000,
      },
      { name: 'overview p95', value: percentile(timings.overview, 95), unit: 'ms' },
      { name: `${SLOW} p50 (once a minute, by password format)`, value: percentile(timings[SLOW], 50), unit: 'ms' },
    ],
    notes: [
      `${users.toLocaleString('en')} users (40% linked to Clerk) and as many audit rows over the last 3 days; ${rounds} rounds after one warm-up, the app in its own process (NODE_ENV=production), timed from this process over loopback.`,
      'The service sends the bundle uncompressed (as it sends JSON); the gzip figure is what a compressing proxy in front sends. Its files: ' +
        Object.entries(weight.files)
          .map(([path, bytes]) => `${path} ${bytes} B`)
          .join(', ') +
        '.',
      'Every figure is an aggregate in SQL, no row is loaded: the counts are one scan of users (with its join to clerk_sign_ins); the activity is one index-only range scan of audit_logs (action, created_at) per action, grouped by date_bin.',
      `${SLOW} adds the legacy users by password format, a regular-expression match per legacy user (src/passwords' shapes): it is what makes that endpoint slow on a million, so the overview reads it once a minute in a section of its own (with its own loading line) and never waits for it.`,
    ],
    details: { users, rounds, weight, timings },
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
