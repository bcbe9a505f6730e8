import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers } from './lib/bench-database.js';
import { runLoad } from './lib/load.js';
import { percentile } from './lib/percentile.js';
import { publish, type Figure } from './lib/results.js';

const PASSWORD = 'bench-password';
const BCRYPT_COST = 10;
const PROBE_INTERVAL_MS = 20;

/**
 * 50 concurrent legacy logins at production bcrypt cost while `/health/live` is polled: bcrypt on
 * the thread pool must leave the event loop free to answer the probe.
 */
async function main(): Promise<void> {
  const connections = argNumber('connections', 50);
  const durationSeconds = argNumber('duration', 15);
  const rate = argNumber('rate', 150);
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('login_storm');
  try {
    await seedLegacyUsers(database.url, 1, benchPasswordHash(PASSWORD, BCRYPT_COST));
    const env = { DATABASE_URL: database.url, CLERK_SECRET_KEY: DEFAULT_TEST_SECRET_KEY, CLERK_API_URL: emulator.url };
    // The default bound on pending password checks against none to speak of: what the bound costs and saves.
    const variants = [
      { label: 'bounded (LOGIN_MAX_PENDING_CHECKS default)', env },
      { label: 'unbounded (LOGIN_MAX_PENDING_CHECKS=100000)', env: { ...env, LOGIN_MAX_PENDING_CHECKS: '100000' } },
    ];
    const measured = [];
    for (const variant of variants)
      measured.push({ label: variant.label, ...(await storm(variant.env, connections, durationSeconds, rate)) });
    await publish({
      name: 'login-storm',
      title: 'Login storm: legacy logins at bcrypt cost 10 vs the health probe, with and without the bound on pending checks',
      figures: measured.flatMap(toFigures),
      notes: [
        `${connections} connections logging in for ${durationSeconds} s (autocannon), offering ${rate} logins/s in all (about ten times what bcrypt at cost 10 gets through on this machine): a flood that does not slow down when answered, as an attacker's does not. The load is sent from a worker thread; the probe is one request every ${PROBE_INTERVAL_MS} ms, one at a time, from the bench process's main thread. Each variant gets a 2 s storm first and 5 s to drain it, so both are measured warm.`,
        'bcrypt runs on libuv’s thread pool (@node-rs/bcrypt), off the event loop, and PasswordHasher lets at most LEGACY_BCRYPT_CONCURRENCY comparisons run at once (default: cores − 1), so a core stays free for the event loop.',
        'At most LOGIN_MAX_PENDING_CHECKS password checks run or wait (default: 16 × LEGACY_BCRYPT_CONCURRENCY, at least 16); past that a login is answered 503 with Retry-After at once. Bounded, an admitted login waits for at most that many checks; unbounded, every login waits behind all 50 connections’ checks.',
        'Login p50/p99 are over every answer, the quick 503s included; the throttle is set out of the way (the storm is one client hammering one account with the right password).',
        'What the bound buys: an admitted login waits behind at most LOGIN_MAX_PENDING_CHECKS checks instead of the whole flood, and memory and sockets stay bounded. What it costs: the refused logins come back at once, so the same flood is answered many times faster and its cheap 503s take their share of the event loop. A refused login makes no query (the bound is checked before the throttle) and no stack is formatted for its log line. The probe figures swing with the machine’s load (see the load average below); compare the two variants of one run, not runs.',
      ],
      details: { connections, durationSeconds, rate, measured },
    });
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

async function storm(env: Record<string, string>, connections: number, durationSeconds: number, rate: number) {
  const app = await startAppProcess({
    ...env,
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_IP_EMAIL: '100000',
    LOGIN_MAX_FAILURES_PER_EMAIL: '100000',
  });
  try {
    const load = (seconds: number) =>
      runLoad({
        url: `${app.url}/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench.user1@example.com', password: PASSWORD }),
        connections,
        durationSeconds: seconds,
        overallRate: rate,
        // From a worker thread: the probe's timings in this thread must not wait behind the storm's answers.
        workers: 1,
      });
    // A short storm first (JIT, pools), so both variants are measured warm; then time for its line to drain.
    await load(2);
    await sleep(5000);
    const idle = await probeWhile(app.url, sleep(3000));
    const logins = load(durationSeconds);
    const during = await probeWhile(app.url, logins);
    return { logins: await logins, probeMs: { during: summary(during), idle: summary(idle) } };
  } finally {
    await app.stop();
  }
}

function toFigures(m: { label: string } & Awaited<ReturnType<typeof storm>>): Figure[] {
  const p99 = m.probeMs.during.p99;
  const { statusCounts, total } = m.logins;
  const busy = statusCounts['503'] ?? 0;
  const other = total - (statusCounts['200'] ?? 0) - busy;
  return [
    {
      name: `${m.label}: logins answered/s`,
      value: m.logins.requestsPerSecond,
      unit: other > 0 ? `(${other} answers neither 200 nor 503)` : undefined,
    },
    { name: `${m.label}: successful logins/s`, value: (statusCounts['200'] ?? 0) / (total / m.logins.requestsPerSecond || 1) },
    { name: `${m.label}: share of 503 (busy, with Retry-After)`, value: total > 0 ? busy / total : 0 },
    { name: `${m.label}: login p50 / p99`, value: `${m.logins.p50Ms} / ${m.logins.p99Ms}`, unit: 'ms' },
    { name: `${m.label}: /health/live p50 during the storm`, value: m.probeMs.during.p50, unit: 'ms' },
    {
      name: `${m.label}: /health/live p99 during the storm`,
      value: p99,
      unit: `ms (${m.probeMs.during.count} probes)`,
      target: '< 50 ms',
      met: p99 < 50,
    },
    { name: `${m.label}: /health/live p99 idle`, value: m.probeMs.idle.p99, unit: 'ms' },
  ];
}

/** Latencies (ms) of `/health/live`, polled one at a time until `until` settles. */
async function probeWhile(appUrl: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const start = performance.now();
    const response = await fetch(`${appUrl}/health/live`);
    await response.arrayBuffer();
    latencies.push(performance.now() - start);
    await sleep(PROBE_INTERVAL_MS);
  }
  return latencies;
}

function summary(latencies: number[]) {
  return { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
