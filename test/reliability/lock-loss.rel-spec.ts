import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { buildOnce, collect, startCli, type CliResult } from '../utils/cli.js';
import { waitFor } from '../utils/eventually.js';
import { TEST_ENV } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { insertBulkUsers } from './support/bulk-users.js';
import { expectLinkedExactlyOnce } from './support/end-state.js';
import { clerkEnv } from './support/reliability-app.js';

const USERS = 300;

function startCommand(db: TestDatabase, clerk: ClerkEmulator, args: string[]): ChildProcess {
  return startCli(args, { ...TEST_ENV, ...clerkEnv(clerk), DATABASE_URL: db.url, MIGRATION_CONCURRENCY: '4' });
}

function migrate(db: TestDatabase, clerk: ClerkEmulator): Promise<CliResult> {
  return collect(startCommand(db, clerk, ['migrate', '--json']), ['migrate', '--json'], 110_000);
}

async function linked(db: TestDatabase): Promise<number> {
  return (await db.pool.query('SELECT count(clerk_user_id)::int AS n FROM users')).rows[0].n;
}

/** The session holding the migration lock (another process's), as a proxy restart would cut it. */
async function lockHolder(db: TestDatabase): Promise<number | undefined> {
  const { rows } = await db.pool.query(
    `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
  );
  return rows[0]?.pid;
}

/**
 * A run whose lock is lost mid-run (its session ended) while a second run starts: the first notices
 * within seconds and stops, the second waits until it has (never working beside it, never settling
 * its items), and the end state is everyone on Clerk exactly once with no run left `running`.
 */
describe('a CLI run that loses its lock while a second one starts', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;

  beforeEach(async () => {
    await buildOnce();
    // Cutting sessions of the database also cuts idle ones of its pool, which ignores that and reconnects.
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    await insertBulkUsers(db.pool, USERS, 'locked');
    clerk.setFaults({ latencyMs: 30 });
  }, 60_000);
  afterEach(async () => {
    await clerk.stop();
    await db.drop();
  });

  async function expectCleanEnd(first: CliResult, second: CliResult): Promise<void> {
    const runs = await db.pool.query(`SELECT id, status, error_code, started_at, finished_at FROM migration_runs ORDER BY started_at`);
    expect(runs.rows.map((r) => r.status)).not.toContain('running');
    // The second run began (its row is written once it holds the lock and the first has stopped)
    // only after the first had finished.
    const [firstRun, secondRun] = runs.rows;
    expect(secondRun.started_at.getTime()).toBeGreaterThanOrEqual(firstRun.finished_at.getTime());
    expect(second.code).toBe(0);
    expect(first.signal).toBeNull();
    if ((await linked(db)) < USERS) expect((await migrate(db, clerk)).code).toBe(0);
    await expectLinkedExactlyOnce(db.pool, clerk);
    expect(clerk.requestCounts()['POST /v1/users']?.['200']).toBe(USERS);
    expect(clerk.users()).toHaveLength(USERS);
  }

  it('stops and records itself interrupted when only its lock session is cut', async () => {
    const first = migrate(db, clerk);
    await waitFor('the first run linking users', async () => (await linked(db)) >= 20);
    const pid = await lockHolder(db);
    expect(pid).toBeDefined();
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const second = migrate(db, clerk);
    const [firstResult, secondResult] = [await first, await second];

    const { rows } = await db.pool.query(`SELECT status, error_code FROM migration_runs ORDER BY started_at LIMIT 1`);
    expect(rows[0]).toEqual({ status: 'interrupted', error_code: 'lock_lost' });
    expect(firstResult.code).not.toBe(0);
    expect(firstResult.json).toMatchObject({ status: 'interrupted' });
    await expectCleanEnd(firstResult, secondResult);
  }, 120_000);

  it('stops when every session of its process is cut, and the second run never crosses it', async () => {
    const first = migrate(db, clerk);
    await waitFor('the first run linking users', async () => (await linked(db)) >= 20);
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const second = migrate(db, clerk);
    const [firstResult, secondResult] = [await first, await second];

    const { rows } = await db.pool.query(`SELECT status FROM migration_runs ORDER BY started_at LIMIT 1`);
    // Its users in flight may meet the cut too (a failed run), or finish first (interrupted): stopped either way.
    expect(['interrupted', 'failed']).toContain(rows[0].status);
    expect(firstResult.code).not.toBe(0);
    await expectCleanEnd(firstResult, secondResult);
  }, 120_000);
});

/**
 * Every holder of the lock is waited for, not only runs: a rollback that loses its lock mid-page
 * finishes that page before it notices, and a run that takes the lock meanwhile must not start
 * beside it. A rollback whose process is gone, though, holds nobody up for long.
 */
describe('a CLI rollback that loses its lock while a run starts', () => {
  const ROLLED_BACK_USERS = 150;
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let firstRunId: string;

  beforeEach(async () => {
    await buildOnce();
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    await insertBulkUsers(db.pool, ROLLED_BACK_USERS, 'rolled');
    expect((await migrate(db, clerk)).code).toBe(0);
    firstRunId = (await db.pool.query(`SELECT id FROM migration_runs`)).rows[0].id;
    // A page of the rollback (100 users, one Clerk deletion each) now takes about ten seconds.
    clerk.setFaults({ latencyMs: 100 });
  }, 60_000);
  afterEach(async () => {
    await clerk.stop();
    await db.drop();
  });

  /** Starts the rollback of the first run and waits until it is part-way through its first page. */
  async function rollbackUnderWay(): Promise<{ child: ChildProcess; rollback: Promise<CliResult> }> {
    const args = ['rollback', '--run', firstRunId, '--delete-clerk-users', '--yes', '--json'];
    const child = startCommand(db, clerk, args);
    const rollback = collect(child, args, 110_000);
    const undone = `SELECT count(*)::int AS n FROM migration_items WHERE run_id = $1 AND status = 'rolled_back'`;
    await waitFor('the rollback undoing users', async () => (await db.pool.query(undone, [firstRunId])).rows[0].n >= 5);
    return { child, rollback };
  }

  async function secondRunStartedAt(): Promise<Date> {
    const { rows } = await db.pool.query(`SELECT started_at FROM migration_runs WHERE id <> $1`, [firstRunId]);
    expect(rows).toHaveLength(1);
    return rows[0].started_at;
  }

  it('is waited for: the new run starts only once the rollback has stopped, and nobody ends on Clerk twice', async () => {
    const { rollback } = await rollbackUnderWay();
    await db.pool.query('SELECT pg_terminate_backend($1)', [await lockHolder(db)]);
    const run = migrate(db, clerk);
    const [rollbackResult, runResult] = [await rollback, await run];

    expect(rollbackResult.json).toMatchObject({ error: { code: 'lock_lost' } });
    expect(runResult.code).toBe(0);
    const lastUndo = await db.pool.query(`SELECT max(created_at) AS at FROM audit_logs WHERE action = 'migration.user.rolled_back'`);
    expect((await secondRunStartedAt()).getTime()).toBeGreaterThanOrEqual(lastUndo.rows[0].at.getTime());
    // It finished the page it was on (100 users), then stopped; the new run moved those again.
    const undone = await db.pool.query(`SELECT count(*)::int AS n FROM migration_items WHERE status = 'rolled_back'`);
    expect(undone.rows[0].n).toBe(100);
    await expectLinkedExactlyOnce(db.pool, clerk);
    expect(clerk.users()).toHaveLength(ROLLED_BACK_USERS);
  }, 120_000);

  it('holds up the next run for a few seconds at most when its process is gone', async () => {
    const { child, rollback } = await rollbackUnderWay();
    child.kill('SIGKILL');
    const killedAt: Date = (await db.pool.query('SELECT now() AS at')).rows[0].at;
    expect((await rollback).signal).toBe('SIGKILL');
    const run = await migrate(db, clerk);

    expect(run.code).toBe(0);
    // Its lease's session is gone, so it is dead after a 3 s grace, long before its beat goes stale (15 s).
    expect((await secondRunStartedAt()).getTime() - killedAt.getTime()).toBeLessThan(10_000);
    await expectLinkedExactlyOnce(db.pool, clerk);
  }, 120_000);
});
