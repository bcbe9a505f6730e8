import { cpus, loadavg } from 'node:os';
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
/** What the overview asks again every 3 seconds (the chart of hours every half minute, on its own). */
const REFRESH = ['/console/api/counts', '/migration/runs?limit=5', '/console/api/lock'];
/** The chart, read once the figures are shown. */
const CHART = '/console/api/activity?days=3';
/** Each request of the overview's first view, timed alone: the figures, the runs, the chart, the lock. */
const OVERVIEW = ['/console/api/counts', '/migration/runs?limit=5', CHART, '/console/api/lock'];
/** What it asks for every half minute, in a section of its own: the count by password format. */
const SLOW = '/migration/stats';
/** With it, the figures that move only as runs end and people sign in: invited, invalid by reason. */
const FIGURES = '/console/api/figures';
/** Legacy users a run reported invalid, and invitations sent (half of them signed in since). */
const INVALID = 20_000;
const INVITED = 100_000;

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
    await seedMoveState(client);
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

/**
 * What the overview's new figures read, at scale: a finished run with an item per linked user and
 * `INVALID` legacy users reported invalid, `INVITED` invitations sent (half signed in since), and 1%
 * of legacy hashes of other shapes (md5, unsupported) so the count by format takes more than one branch.
 */
async function seedMoveState(client: Awaited<Parameters<Parameters<typeof withClient>[1]>[0]>): Promise<void> {
  await client.query(`UPDATE users SET password_hash = md5(user_id::text) WHERE clerk_user_id IS NULL AND random() < 0.01`);
  await client.query(`UPDATE users SET password_hash = 'sha1$' || md5(user_id::text) WHERE clerk_user_id IS NULL AND random() < 0.01`);
  const [{ id }] = (
    await client.query(
      `INSERT INTO migration_runs (kind, strategy, dry_run, started_by, status, options, counts, started_at, finished_at)
       VALUES ('all', 'password', false, 'bench', 'completed_with_errors', '{}'::jsonb, '{}'::jsonb, now() - interval '1 day', now()) RETURNING id`,
    )
  ).rows;
  await client.query(
    `INSERT INTO migration_items (run_id, user_id, email, action, reason, status, clerk_user_id, created_in_clerk)
     SELECT $1, user_id, email, 'create', 'bcrypt_digest', 'created', clerk_user_id, true FROM users WHERE clerk_user_id IS NOT NULL`,
    [id],
  );
  await client.query(
    `INSERT INTO migration_items (run_id, user_id, email, action, reason, status, error_code)
     SELECT $1, user_id, email, 'invalid', 'unsupported_hash', 'failed', 'unsupported_hash' FROM users WHERE clerk_user_id IS NULL LIMIT $2`,
    [id, INVALID],
  );
  await client.query(
    `INSERT INTO invitation_outbox (user_id, run_id, email, status, sent_at)
     SELECT user_id, $1, email, 'sent', now() FROM users WHERE clerk_user_id IS NOT NULL LIMIT $2`,
    [id, INVITED],
  );
  await client.query(
    `INSERT INTO clerk_sign_ins (user_id, clerk_user_id)
     SELECT o.user_id, u.clerk_user_id FROM invitation_outbox o JOIN users u USING (user_id) WHERE o.id % 2 = 0`,
  );
  for (const table of ['migration_items', 'invitation_outbox', 'clerk_sign_ins']) await client.query(`VACUUM ANALYZE ${table}`);
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
  const timings: Timings = Object.fromEntries(
    [...OVERVIEW, SLOW, FIGURES, 'figuresShown', 'chartShown', 'everything', 'allAtOnce', 'refresh'].map((name) => [name, []]),
  );
  const together = async (paths: string[]) => {
    const started = performance.now();
    await Promise.all(paths.map(get));
    return performance.now() - started;
  };
  for (let round = -1; round < rounds; round++) {
    for (const path of [...OVERVIEW, SLOW, FIGURES]) {
      const ms = await get(path);
      if (round >= 0) timings[path].push(ms);
    }
    // As the page opens: the figures (the 3-second round), then the chart, then the half-minute section.
    const figuresShown = await together(REFRESH);
    const chartShown = figuresShown + (await get(CHART));
    const everything = chartShown + (await together([SLOW, FIGURES]));
    // The page before it sequenced them: everything at once, for comparison.
    const allAtOnce = await together([...OVERVIEW, SLOW, FIGURES]);
    const refresh = await together(REFRESH);
    if (round >= 0) {
      Object.entries({ figuresShown, chartShown, everything, allAtOnce, refresh }).forEach(([name, ms]) => timings[name].push(ms));
    }
  }
  return timings;
}

async function report(users: number, rounds: number, weight: Awaited<ReturnType<typeof pageWeight>>, timings: Timings): Promise<void> {
  const overviewP95 = percentile(timings.figuresShown, 95);
  const load = loadavg()[0];
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
        name: `overview on opening, its figures shown (counts, runs, lock at once) p50, ${users.toLocaleString('en')} users`,
        value: percentile(timings.figuresShown, 50),
        unit: 'ms',
      },
      { name: 'overview on opening, its figures shown p95', value: overviewP95, unit: 'ms', target: '< 1000 ms', met: overviewP95 < 1000 },
      { name: 'overview on opening, the chart shown after them p50', value: percentile(timings.chartShown, 50), unit: 'ms' },
      { name: 'overview on opening, the chart shown p95', value: percentile(timings.chartShown, 95), unit: 'ms' },
      { name: 'overview on opening, everything (the password formats last) p50', value: percentile(timings.everything, 50), unit: 'ms' },
      { name: 'every request at once (how the page opened before) p50', value: percentile(timings.allAtOnce, 50), unit: 'ms' },
      { name: 'every request at once p95', value: percentile(timings.allAtOnce, 95), unit: 'ms' },
      { name: 'overview every 3 s (counts, runs, lock at once) p50', value: percentile(timings.refresh, 50), unit: 'ms' },
      {
        name: 'overview every 3 s p95',
        value: percentile(timings.refresh, 95),
        unit: 'ms',
        target: '< 1000 ms',
        met: percentile(timings.refresh, 95) < 1000,
      },
      { name: `${SLOW} p50 (every half minute, by password format)`, value: percentile(timings[SLOW], 50), unit: 'ms' },
      { name: `${SLOW} p95`, value: percentile(timings[SLOW], 95), unit: 'ms' },
      { name: `${FIGURES} p50 (every half minute: invited, invalid by reason)`, value: percentile(timings[FIGURES], 50), unit: 'ms' },
    ],
    notes: [
      `${users.toLocaleString('en')} users (40% linked to Clerk) and as many audit rows over the last 3 days; ${rounds} rounds after one warm-up, the app in its own process (NODE_ENV=production), timed from this process over loopback.`,
      'The service sends the bundle uncompressed (as it sends JSON); the gzip figure is what a compressing proxy in front sends. Its files: ' +
        Object.entries(weight.files)
          .map(([path, bytes]) => `${path} ${bytes} B`)
          .join(', ') +
        '.',
      `Besides: a finished run with an item per linked user, ${INVALID.toLocaleString('en')} legacy users reported invalid, ${INVITED.toLocaleString('en')} invitations sent (half signed in since), and about 1% each of md5 and unsupported legacy hashes.`,
      'Every figure is an aggregate in SQL, no row is loaded: the counts are one scan of users (with its joins to clerk_sign_ins and clerk_deleted_users), with those invited and not signed in (the outbox against clerk_sign_ins) and the invalid by reason (a partial index of invalid reports); the activity is one index-only range scan of audit_logs (action, created_at) per action, grouped by date_bin.',
      `${SLOW} is one grouped pass over users, read in two halves by user_id at once (two connections): the same counts and the legacy users by password format, each hash tested behind its shape's literal prefix, bcrypt and hex digests by byte length and a pattern without bounded repetition (src/passwords' sqlShape), which PostgreSQL would otherwise expand state by state. The overview reads it every half minute, in a section of its own, after the figures and the chart are shown, and never holds them.`,
      `Load average when the figures were written: ${load.toFixed(2)} on ${cpus().length} cores, the bench's own app, PostgreSQL and client included${load > cpus().length ? ': the database was never idle, so a lone request on a quiet machine is quicker' : ''}.`,
      'Results before 2026-12-07 17:00 UTC seeded no Clerk sign-in, invitation or run item: their /console/api/counts (317 ms) had an empty join to clerk_sign_ins, which this seed fills with 50,000 rows.',
    ],
    details: { users, rounds, weight, timings },
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
