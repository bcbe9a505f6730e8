import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createHttpApp, listenHttpApp } from '../../src/http-app.js';
import { runCli, stopCli } from './demo-cli.js';
import { exitOnFailure, onStopSignal, signalExitCode } from './demo-process.js';
import { newPersonArrives } from './demo-front-door.js';
import { createDemoWorld, type DemoWorld } from './demo-world.js';
import { DemoReport, type Stats } from './demo-report.js';
import type { LegacyWorldUser } from './legacy-world.js';

/**
 * `npm run demo`: the seed's operators' guide, step by step, with the real CLI against a fresh
 * copy of the seed's world and a local Clerk emulator. Exits 0 only if every step held.
 */
async function main(): Promise<void> {
  let stoppedBy: NodeJS.Signals | undefined;
  onStopSignal((signal) => {
    stoppedBy = signal;
    stopCli(signal);
  });
  const report = new DemoReport();
  report.heading('clerk-migrate demo: the seed’s migration of 44 users, 36 of them legacy');
  const world = await createDemoWorld();
  const env = {
    DATABASE_URL: world.databaseUrl,
    CLERK_SECRET_KEY: world.clerk.secretKey,
    CLERK_API_URL: world.clerk.url,
    // The emulator signs its webhooks with this secret; the API verifies them with it (step 7).
    CLERK_WEBHOOK_SIGNING_SECRET: world.clerk.webhookSecret,
    LEGACY_JWT_SECRET: randomBytes(32).toString('hex'),
    MIGRATION_SCHEDULE_ENABLED: 'false',
    // The API of steps 6 and 7 listens on loopback only, whatever HOST the caller's shell has.
    HOST: '127.0.0.1',
    // Quiet by default so the report stays readable; LOG_LEVEL=info shows every process's logs on stderr.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    CLI_LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  try {
    await walkTheGuide(world, env, report);
  } catch (error) {
    if (!stoppedBy) throw error;
  } finally {
    // After the CLI in flight has recorded its run: the embedded PostgreSQL stops last.
    await world.stop();
  }
  if (stoppedBy) {
    process.stdout.write(`\nStopped by ${stoppedBy}.\n`);
    process.exit(signalExitCode(stoppedBy));
  }
  report.finish();
  process.exit(report.ok ? 0 : 1);
}

async function walkTheGuide(world: DemoWorld, env: Record<string, string>, report: DemoReport): Promise<void> {
  const dependentsBefore = await dependentRows(world.databaseUrl);
  const before = (await report.step('Step 1  review the current state (stats)', () => runCli(['stats'], env))).json as Stats;
  report.check('44 users, 8 on Clerk, 36 legacy', before.total === 44 && before.withClerk === 8 && before.withoutClerk === 36);

  const plan = (await report.step('Step 2  dry run (migrate --dry-run)', () => runCli(['migrate', '--dry-run'], env))).json;
  report.check('the plan creates 36 accounts, importing their bcrypt digests', plan.byAction?.create === 36);
  report.check('the dry run wrote nothing to Clerk', world.clerk.users().length === 8);

  const one = await report.step('Step 3  one user (migrate --email test@example.com)', () =>
    runCli(['migrate', '--email', 'test@example.com'], env),
  );
  report.check('test@example.com is on Clerk', one.code === 0 && countsOf(one.json).created === 1);

  const all = await report.step('Step 4  everyone left (migrate)', () => runCli(['migrate'], env));
  report.check('the other 35 are on Clerk, none failed', all.code === 0 && countsOf(all.json).created === 35 && !countsOf(all.json).failed);

  const verify = await report.step('Step 5  verify (verify)', () => runCli(['verify'], env));
  report.check('every linked user exists in Clerk with external_id = user_id', verify.code === 0 && verify.json.ok === true);
  const after = (await report.step('        stats again', () => runCli(['stats'], env))).json as Stats;
  report.check('44 users, 44 on Clerk, 0 legacy', after.total === 44 && after.withClerk === 44 && after.withoutClerk === 0);
  report.check(
    'every row of chat_sessions, prompts, quotas is still there',
    sameCounts(dependentsBefore, await dependentRows(world.databaseUrl)),
  );

  const person = world.users.find((u) => u.email === 'test@example.com')!;
  await withApi(world, env, async (apiUrl) => {
    const signedIn = await report.step('Step 6  sign in through Clerk with the old password, call GET /users/me', () =>
      signInWithOldPassword(world, apiUrl, person),
    );
    report.check(`${person.email} signed in at Clerk with the old password; /users/me returned the old user_id`, signedIn);
    await newPersonArrives(world.clerk, apiUrl, world.databaseUrl, report, new Set(world.users.map((u) => u.userId)));
  });
  report.table(before, after);
}

/**
 * The API in this process, with the emulator's webhooks pointed at it, for the steps a person takes
 * after the move. Closed once every webhook has been delivered.
 */
async function withApi(world: DemoWorld, env: Record<string, string>, work: (apiUrl: string) => Promise<void>): Promise<void> {
  Object.assign(process.env, env);
  const app = await createHttpApp();
  const { url: apiUrl } = await listenHttpApp(app, 0);
  world.clerk.configureWebhooks({ url: `${apiUrl}/webhooks/clerk` });
  try {
    await work(apiUrl);
    await world.clerk.webhooksIdle().catch(() => undefined);
  } finally {
    world.clerk.configureWebhooks({ url: null });
    await app.close();
  }
}

/** The proof that matters to a person: their old password still works, and they still see their data. */
async function signInWithOldPassword(world: DemoWorld, apiUrl: string, person: LegacyWorldUser): Promise<boolean> {
  const session = await world.clerk.signIn(person.email, person.password!);
  const response = await fetch(`${apiUrl}/users/me`, { headers: { Authorization: `Bearer ${session.token}` } });
  const me = (await response.json()) as { userId?: string };
  return response.status === 200 && me.userId === person.userId;
}

function countsOf(json: any): Record<string, number> {
  return json?.counts ?? json?.run?.counts ?? {};
}

async function dependentRows(databaseUrl: string): Promise<Record<string, number>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of ['chat_sessions', 'prompts', 'quotas'])
      counts[table] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    return counts;
  } finally {
    await db.end();
  }
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  return Object.keys(a).every((key) => a[key] === b[key]);
}

main().catch(exitOnFailure('demo'));
