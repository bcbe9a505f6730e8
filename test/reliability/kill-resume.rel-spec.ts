import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { buildOnce, collect, startCli } from '../utils/cli.js';
import { eventually, waitFor } from '../utils/eventually.js';
import { TEST_ENV } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { insertBulkUsers } from './support/bulk-users.js';
import { expectLinkedExactlyOnce } from './support/end-state.js';
import { clerkEnv } from './support/reliability-app.js';

const USERS = 400;
const KILLS = 5;

/** `clerk-migrate migrate --json` as an operator runs it, on the test's database. */
function startMigrate(db: TestDatabase, clerk: ClerkEmulator) {
  const child = startCli(['migrate', '--json'], { ...TEST_ENV, ...clerkEnv(clerk), DATABASE_URL: db.url, MIGRATION_CONCURRENCY: '4' });
  const result = collect(child, ['migrate', '--json'], 110_000);
  return { child, result };
}

/** The id of the run a new process started, once it holds the lock and has recorded it. */
async function newRunId(db: TestDatabase, known: string[]): Promise<string> {
  const newRun = async () =>
    (await db.pool.query(`SELECT id FROM migration_runs WHERE status = 'running' AND NOT (id = ANY($1))`, [known])).rows[0]?.id as
      string | undefined;
  return (await eventually(newRun, (id) => id !== undefined, { timeoutMs: 10_000, what: 'the migrate process to start a run' }))!;
}

/** A SIGKILLed process's session, and with it the migration lock, goes as soon as PostgreSQL notices. */
async function waitForLockRelease(db: TestDatabase): Promise<void> {
  const released = async () => {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
    );
    return rows[0].n === 0;
  };
  await waitFor('the migration lock of a killed process to be released', released, { timeoutMs: 5_000, intervalMs: 50 });
}

const linkedUsers = async (db: TestDatabase): Promise<number> =>
  (await db.pool.query('SELECT count(clerk_user_id)::int AS n FROM users')).rows[0].n;

/** No failure past the bound: the kill then lands where it lands, and the assertions after the kills judge. */
async function waitForMoreLinked(db: TestDatabase, than: number): Promise<void> {
  await eventually(
    () => linkedUsers(db),
    (linked) => linked > than,
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

describe('a CLI migration killed with SIGKILL at random moments', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;

  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    await insertBulkUsers(db.pool, USERS, 'killed');
  }, 120_000);
  afterAll(async () => {
    await clerk.stop();
    await db.drop();
  });

  it('resumes after five kills and ends with everyone linked exactly once', async () => {
    clerk.setFaults({ latencyMs: 40 });
    const killedRuns: string[] = [];
    const linkedAfterKill: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const runner = startMigrate(db, clerk);
      const runId = await newRunId(db, killedRuns);
      // A random moment once this run has done some work: the machine's speed decides when that is.
      await waitForMoreLinked(db, linkedAfterKill.at(-1) ?? 0);
      await sleep(Math.random() * 500);
      runner.child.kill('SIGKILL');
      expect((await runner.result).signal).toBe('SIGKILL');
      killedRuns.push(runId);
      linkedAfterKill.push(await linkedUsers(db));
      await waitForLockRelease(db);
    }
    clerk.setFaults({ latencyMs: 0 });

    const last = await startMigrate(db, clerk).result;
    expect({ code: last.code, stderr: last.code === 0 ? '' : last.stderr }).toEqual({ code: 0, stderr: '' });
    expect(last.json).toMatchObject({ status: 'completed' });

    console.info(`kill-resume: users linked after each kill ${linkedAfterKill.join(', ')} of ${USERS}`);
    // The kills landed mid-run: work was done before them and left after them.
    expect(linkedAfterKill.at(-1)).toBeGreaterThan(0);
    expect(linkedAfterKill.at(-1)).toBeLessThan(USERS);
    await expectLinkedExactlyOnce(db.pool, clerk);
    expect(clerk.users()).toHaveLength(USERS);
    const killed = await db.pool.query('SELECT status FROM migration_runs WHERE id = ANY($1)', [killedRuns]);
    expect(killed.rows.map((r) => r.status)).toEqual(Array(KILLS).fill('interrupted'));
    const stuck = await db.pool.query(`SELECT count(*)::int AS n FROM migration_items WHERE status IN ('pending', 'creating')`);
    expect(stuck.rows[0].n).toBe(0);
  }, 120_000);
});
