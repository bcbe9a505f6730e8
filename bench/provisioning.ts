import os from 'node:os';
import { startClerkEmulator, type ClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { createBenchDatabase, withClient } from './lib/bench-database.js';
import { percentile } from './lib/percentile.js';
import { publish, round } from './lib/results.js';

/** The origin the app process accepts in production (`bench/lib/app-process.ts`). */
const AZP = 'http://localhost:3000';

interface Timings {
  firstMs: number[];
  secondMs: number[];
  /** Answers other than 200, by status. */
  bad: Record<string, number>;
  seconds: number;
}

/**
 * What a person who signed up at Clerk waits for on their first request: `GET /users/me` with a
 * fresh Clerk session of an account linked to nobody, which provisions their `users` row (a look-up
 * of the account at Clerk, an insert, the answer; Clerk's `external_id` is set after it). Webhooks
 * are off, so every first request provisions. One person at a time, then several at once.
 */
async function main(): Promise<void> {
  const people = argNumber('people', 200);
  const concurrency = argNumber('concurrency', 10);
  const loadAtStart = os.loadavg();
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('provisioning');
  const app = await startAppProcess({
    DATABASE_URL: database.url,
    CLERK_SECRET_KEY: emulator.secretKey,
    CLERK_API_URL: emulator.url,
    CLERK_RATE_LIMIT: '1000',
  });
  try {
    await signUps(emulator, app.url, 'warm', 10, 1);
    const sequential = await signUps(emulator, app.url, 'seq', people, 1);
    const concurrent = await signUps(emulator, app.url, 'par', people, concurrency);
    const rows = await provisionedRows(database.url);
    const owed = await externalIdsOwed(database.url);
    const loadAtEnd = os.loadavg();
    await publish({
      name: 'provisioning',
      title: 'First request of a person who signed up at Clerk (provisioning)',
      figures: [
        {
          name: 'first request (provisions), one at a time: p50 / p99',
          value: `${p(sequential.firstMs, 50)} / ${p(sequential.firstMs, 99)}`,
          unit: 'ms',
        },
        {
          name: 'second request, same token: p50 / p99',
          value: `${p(sequential.secondMs, 50)} / ${p(sequential.secondMs, 99)}`,
          unit: 'ms',
        },
        {
          name: `first request, ${concurrency} sign-ups at once: p50 / p99`,
          value: `${p(concurrent.firstMs, 50)} / ${p(concurrent.firstMs, 99)}`,
          unit: 'ms',
        },
        { name: `people provisioned/s, ${concurrency} at once`, value: people / concurrent.seconds },
        {
          name: 'answers other than 200',
          value: badCount(sequential) + badCount(concurrent),
          target: '0',
          met: badCount(sequential) + badCount(concurrent) === 0,
        },
        {
          name: 'rows with password_hash NULL, one per sign-up',
          value: rows,
          target: String(2 * people + 10),
          met: rows === 2 * people + 10,
        },
        { name: 'external_id updates still owed to Clerk at the end', value: owed, target: '0', met: owed === 0 },
      ],
      notes: [
        `${people} sign-ups at the emulator (emulator.signUp: a Clerk-native account and its session token), each followed by GET /users/me with that token and then a second GET /users/me; then ${people} more, ${concurrency} at a time. 10 sign-ups first as a warm-up (JIT, JWKS, pools).`,
        'Webhooks are not configured: the first request alone provisions (token verified against the cached JWKS, the account read from Clerk, the row inserted, the answer); Clerk’s external_id is set after the answer through the shared budget, and counted here once the run is over.',
        'The second request is what every later request of that person costs: token and principal cached by the app (see bench/results/auth.md).',
        'The app runs in a child process; the emulator and the load run in this one, so the Clerk look-up shares a core with the load.',
        `uptime's load averages (1, 5, 15 min) ${fmtLoad(loadAtStart)} at the start and ${fmtLoad(loadAtEnd)} at the end, on ${os.cpus().length} cores.`,
      ],
      details: {
        people,
        concurrency,
        sequential: summary(sequential),
        concurrent: summary(concurrent),
        rows,
        owed,
        loadAtStart,
        loadAtEnd,
      },
    });
  } finally {
    await app.stop();
    await database.drop();
    await emulator.stop();
  }
}

/** `count` people sign up and call the API, `concurrency` at a time. */
async function signUps(emulator: ClerkEmulator, apiUrl: string, tag: string, count: number, concurrency: number): Promise<Timings> {
  const timings: Timings = { firstMs: [], secondMs: [], bad: {}, seconds: 0 };
  let next = 0;
  const started = performance.now();
  const loop = async () => {
    while (next < count) {
      const i = next++;
      const { token } = emulator.signUp({
        email: `bench.${tag}.${i}.${process.pid}@example.com`,
        firstName: 'Bench',
        lastName: `${tag} ${i}`,
        azp: AZP,
      });
      timings.firstMs.push(await timedMe(apiUrl, token, timings.bad));
      timings.secondMs.push(await timedMe(apiUrl, token, timings.bad));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  timings.seconds = (performance.now() - started) / 1000;
  return timings;
}

async function timedMe(apiUrl: string, token: string, bad: Record<string, number>): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${apiUrl}/users/me`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 200) bad[response.status] = (bad[response.status] ?? 0) + 1;
  return elapsed;
}

async function provisionedRows(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM users WHERE password_hash IS NULL AND clerk_user_id IS NOT NULL`);
    return rows[0].n as number;
  });
}

/** Waits (10 s at most) for the external_id updates sent after the answers. */
async function externalIdsOwed(url: string): Promise<number> {
  const until = Date.now() + 10_000;
  for (;;) {
    const owed = await withClient(
      url,
      async (client) => (await client.query('SELECT count(*)::int AS n FROM clerk_external_id_updates')).rows[0].n as number,
    );
    if (owed === 0 || Date.now() > until) return owed;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const p = (values: number[], q: number) => round(percentile(values, q));
const badCount = (t: Timings) => Object.values(t.bad).reduce((sum, n) => sum + n, 0);
const fmtLoad = (load: number[]) => load.map((n) => n.toFixed(2)).join(', ');

function summary(t: Timings) {
  return {
    first: { p50Ms: p(t.firstMs, 50), p90Ms: p(t.firstMs, 90), p99Ms: p(t.firstMs, 99), maxMs: p(t.firstMs, 100) },
    second: { p50Ms: p(t.secondMs, 50), p99Ms: p(t.secondMs, 99) },
    seconds: t.seconds,
    bad: t.bad,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
