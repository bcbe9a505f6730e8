import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { startAppProcess, type AppProcess } from '../utils/app-process.js';
import { buildOnce, runCli } from '../utils/cli.js';
import { eventually } from '../utils/eventually.js';
import { TEST_ENV } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { BULK_PASSWORD, insertBulkUsers } from './support/bulk-users.js';
import { expectLinkedExactlyOnce } from './support/end-state.js';

const USERS = 90;
const LOGINS = 45;
const INSTANCES = 3;
/** The default for an `sk_test_` key: a fifth of Clerk's 100 per 10 s left to the product. */
const BUDGET = 8;

async function login(app: AppProcess, email: string): Promise<number> {
  const response = await fetch(`${app.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BULK_PASSWORD }),
  });
  return response.status;
}

async function linkedCount(db: TestDatabase, userIds: string[]): Promise<number> {
  const { rows } = await db.pool.query('SELECT count(clerk_user_id)::int AS n FROM users WHERE user_id = ANY($1)', [userIds]);
  return rows[0].n;
}

/**
 * Three app instances and an operator's CLI run on one database, against an emulator that enforces
 * Clerk's development limit: the wave of logins is moved by trickle migration on whichever instance
 * took it, the operator's run is neither refused nor delayed, and the four processes together stay
 * within the one budget (four budgets of their own would send four times as much, and meet 429s).
 */
describe('a fleet of three instances and a CLI run on one database', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    clerk = await startClerkEmulator();
    const env = { ...TEST_ENV, LOG_LEVEL: 'warn', DATABASE_URL: db.url, CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url };
    for (let i = 0; i < INSTANCES; i += 1)
      apps.push(await startAppProcess({ ...env, MIGRATION_ON_LOGIN: 'true', LEGACY_DUMMY_HASH_COST: '4' }));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await clerk?.stop();
    await db?.drop();
  });

  it('moves every person who logs in, lets the operator run through, and never goes over the shared budget', async () => {
    const userIds = await insertBulkUsers(db.pool, USERS, 'fleet');
    const emails = Array.from({ length: LOGINS }, (_, i) => `fleet-${i + 1}@example.com`);
    const statuses: number[] = [];
    const wave = (async () => {
      for (let i = 0; i < emails.length; i += INSTANCES) {
        statuses.push(...(await Promise.all(emails.slice(i, i + INSTANCES).map((email, j) => login(apps[j], email)))));
        await sleep(100);
      }
    })();
    await sleep(1_000);
    const operator = runCli(
      ['migrate', '--json'],
      { ...TEST_ENV, DATABASE_URL: db.url, CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url },
      { timeoutMs: 120_000 },
    );
    await wave;
    const run = await operator;

    expect(statuses).toEqual(Array(LOGINS).fill(200));
    expect({ code: run.code, status: run.json?.status, error: run.json?.errorMessage }).toEqual({
      code: 0,
      status: 'completed',
      error: null,
    });
    await eventually(
      () => linkedCount(db, userIds),
      (linked) => linked >= USERS,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await expectLinkedExactlyOnce(db.pool, clerk);
    expect(clerk.requestCounts()['POST /v1/users']).toEqual({ '200': USERS });

    const refused = Object.values(clerk.requestCounts()).reduce((sum, byStatus) => sum + (byStatus['429'] ?? 0), 0);
    const busiestSecond = clerk.busiestWindow(1_000);
    const busiestTenSeconds = clerk.busiestWindow(10_000);
    console.info(
      `fleet: ${clerk.arrivalCount()} requests, busiest second ${busiestSecond}, busiest 10 s ${busiestTenSeconds}, 429s ${refused}`,
    );
    expect(refused).toBe(0);
    // Slots are 1/rate apart. The emulator shares two cores with four busy processes: when its
    // event loop stalls, requests that arrived apart are stamped together, so a window's count may
    // read one or two high. Four budgets of their own would read about four times as high.
    expect(busiestTenSeconds).toBeLessThanOrEqual(BUDGET * 10 + 1);
    expect(busiestSecond).toBeLessThanOrEqual(BUDGET + 2);

    const runs = await db.pool.query(
      `SELECT r.kind, r.status, count(i.id)::int AS items FROM migration_runs r LEFT JOIN migration_items i ON i.run_id = r.id
        GROUP BY r.id ORDER BY r.kind`,
    );
    const trickled = runs.rows.find((r) => r.kind === 'login');
    expect(runs.rows.map((r) => [r.kind, r.status])).toEqual([
      ['all', 'completed'],
      ['login', 'open'],
    ]);
    // Some of the wave was moved by the instances that took the logins, before or beside the run.
    expect(trickled.items).toBeGreaterThan(0);
  }, 180_000);
});
