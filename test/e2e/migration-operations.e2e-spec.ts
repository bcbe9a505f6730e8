import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MIGRATION_LOCK_KEY } from '../../src/locks/migration-lock.js';
import { MigrationService } from '../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { buildOnce, startCli } from '../utils/cli.js';
import { eventually } from '../utils/eventually.js';
import { seedWorld, type SeedWorld } from '../utils/seed-world.js';
import { TEST_ENV } from '../utils/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('rollback and clean-up over REST: 202, then an operation to poll', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  let admin: { Authorization: string };
  let operator: { userId: string; email: string };
  /** The legacy users a run moves: every one but the one whose hash cannot be imported. */
  let movable: number;
  const http = () => request(world.app.getHttpServer());
  const count = async (table: string) => (await world.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
    world = await seedWorld(clerk, {}, { legacyUsers: 6 });
    const found = world.legacy.find((u) => u.role === 'admin')!;
    operator = { userId: found.userId, email: found.email };
    const login = await http().post('/auth/login').send({ email: found.email, password: found.password }).expect(200);
    admin = { Authorization: `Bearer ${login.body.accessToken}` };
  });
  afterAll(async () => {
    await world.close();
    await clerk.stop();
  });

  /** Everyone left, as one run; resolves with the finished run. */
  async function migrateEveryone(): Promise<Record<string, any>> {
    const started = await http().post('/migration/runs').set(admin).send({}).expect(202);
    const run = await eventually(
      async () => (await http().get(started.body.progressUrl).set(admin).expect(200)).body,
      (body) => body.status !== 'running',
    );
    expect(run.status).toBe('completed');
    return run;
  }

  async function ended(statusUrl: string): Promise<Record<string, any>> {
    return eventually(
      async () => (await http().get(statusUrl).set(admin).expect(200)).body,
      (body) => body.status !== 'running',
    );
  }

  it('answers an operator’s run with nobody left 200, and records no run', async () => {
    const run = await migrateEveryone();
    movable = run.counts.created;
    expect(movable).toBeGreaterThan(3);
    expect(run).toMatchObject({ startedBy: operator.userId, startedByEmail: operator.email, counts: { total: movable } });
    const listed = await http().get('/migration/runs').set(admin).expect(200);
    expect(listed.body.items.find((r: { id: string }) => r.id === run.id)).toMatchObject({ startedByEmail: operator.email });

    const runsBefore = await count('migration_runs');
    const nothing = await http().post('/migration/runs').set(admin).send({}).expect(200);
    expect(nothing.body).toEqual({
      runId: null,
      status: 'nothing_to_migrate',
      progressUrl: null,
      total: 0,
      message: expect.stringMatching(/^Nobody is left to migrate/),
    });
    expect(await count('migration_runs')).toBe(runsBefore);
  });

  it('starts an acting rollback with 202, and its operation ends completed with the counts the preview gave', async () => {
    const [run] = (await http().get('/migration/runs').set(admin).expect(200)).body.items;
    const rollback = () => http().post(`/migration/runs/${run.id}/rollback`).set(admin);
    const preview = await rollback().send({ deleteClerkUsers: true, dryRun: true }).expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, unlinked: movable, deletedFromClerk: movable });

    const started = await rollback().send({ deleteClerkUsers: true, confirm: true }).expect(202);
    const { operationId } = started.body;
    expect(operationId).toMatch(UUID);
    expect(started.body).toEqual({ operationId, kind: 'rollback', status: 'running', statusUrl: `/migration/operations/${operationId}` });
    const operation = await ended(started.body.statusUrl);
    expect(operation).toMatchObject({
      id: operationId,
      kind: 'rollback',
      runId: run.id,
      status: 'completed',
      options: { deleteClerkUsers: true },
      done: movable,
      total: movable,
      startedBy: operator.userId,
      startedByEmail: operator.email,
      errorCode: null,
      finishedAt: expect.any(String),
    });
    expect(operation.report).toEqual({ ...preview.body, dryRun: false });
    expect((await http().get('/migration/stats').set(admin).expect(200)).body).toMatchObject({ withClerk: 8 });
    expect(clerk.users()).toHaveLength(8);
  });

  it('refuses before any 202: an unknown run 404, no confirmation 400, uncertain users 409, the lock held 409', async () => {
    const operations = await count('migration_operations');
    const missing = await http().post(`/migration/runs/${randomUUID()}/rollback`).set(admin).send({ confirm: true }).expect(404);
    expect(missing.body.code).toBe('run_not_found');
    const run = await migrateEveryone();
    const rollback = () => http().post(`/migration/runs/${run.id}/rollback`).set(admin);
    expect((await rollback().send({}).expect(400)).body.code).toBe('confirmation_required');

    // A create whose answer was lost: its account may exist unlinked, so the run is not rollbackable yet.
    const item = await world.db.pool.query(`SELECT id FROM migration_items WHERE run_id = $1 LIMIT 1`, [run.id]);
    await world.db.pool.query(`UPDATE migration_items SET status = 'creating' WHERE id = $1`, [item.rows[0].id]);
    expect((await rollback().send({ confirm: true }).expect(409)).body.code).toBe('not_rollbackable');
    await world.db.pool.query(`UPDATE migration_items SET status = 'created' WHERE id = $1`, [item.rows[0].id]);

    const holder = await world.db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      expect((await rollback().send({ confirm: true }).expect(409)).body.code).toBe('run_in_progress');
      expect((await http().post('/migration/cleanup-passwords').set(admin).send({ confirm: true }).expect(409)).body.code).toBe(
        'run_in_progress',
      );
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      holder.release();
    }
    expect(await count('migration_operations')).toBe(operations);
    const unknown = randomUUID();
    expect((await http().get(`/migration/operations/${unknown}`).set(admin).expect(404)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `No rollback or clean-up with id ${unknown}`,
      code: 'operation_not_found',
    });
    await http().get('/migration/operations/not-a-uuid').set(admin).expect(400);
  });

  it('refuses a clean-up while a rollback works, naming the rollback', async () => {
    const [run] = (await http().get('/migration/runs').set(admin).expect(200)).body.items;
    // Clerk answers slowly: the rollback's deletions hold the lock for a while.
    clerk.setFaults({ latencyMs: 300 });
    try {
      const started = await http().post(`/migration/runs/${run.id}/rollback`).set(admin).send({ deleteClerkUsers: true, confirm: true });
      expect(started.status).toBe(202);
      const refused = await http().post('/migration/cleanup-passwords').set(admin).send({ confirm: true }).expect(409);
      expect(refused.body.code).toBe('run_in_progress');
      expect(refused.body.message).toContain(`rollback of run ${run.id}, since`);
      const running = await http().get(started.body.statusUrl).set(admin).expect(200);
      expect(running.body).toMatchObject({ status: 'running', total: movable });
      clerk.setFaults({ latencyMs: 0 });
      expect(await ended(started.body.statusUrl)).toMatchObject({
        status: 'completed',
        done: movable,
        report: { deletedFromClerk: movable },
      });
    } finally {
      clerk.setFaults({ latencyMs: 0 });
    }
  });

  it('answers an acting clean-up 202, refuses a rollback meanwhile naming the clean-up, and ends with the preview’s counts', async () => {
    const run = await migrateEveryone();
    // They sign in through Clerk: what makes removing their hashes safe.
    await world.db.pool.query(
      `INSERT INTO clerk_sign_ins (user_id, clerk_user_id)
       SELECT u.user_id, u.clerk_user_id FROM users u JOIN migration_items i ON i.user_id = u.user_id WHERE i.run_id = $1`,
      [run.id],
    );
    const preview = await http().post('/migration/cleanup-passwords').set(admin).send({ dryRun: true }).expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, removed: movable });

    // Another session keeps writers off users: the clean-up starts, then waits with the lock held.
    const blocker = await world.db.pool.connect();
    let statusUrl: string;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN EXCLUSIVE MODE');
      const started = await http().post('/migration/cleanup-passwords').set(admin).send({ confirm: true }).expect(202);
      expect(started.body).toMatchObject({ kind: 'cleanup_passwords', status: 'running' });
      statusUrl = started.body.statusUrl;
      const refused = await http().post(`/migration/runs/${run.id}/rollback`).set(admin).send({ confirm: true }).expect(409);
      expect(refused.body.code).toBe('run_in_progress');
      expect(refused.body.message).toContain('password clean-up, since');
      expect((await http().get(statusUrl).set(admin).expect(200)).body).toMatchObject({ status: 'running', done: 0, total: movable });
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
    const operation = await ended(statusUrl);
    expect(operation).toMatchObject({ kind: 'cleanup_passwords', runId: null, status: 'completed', done: movable, total: movable });
    expect(operation.report).toEqual({ ...preview.body, dryRun: false });
  });

  it('reads an operation whose instance died as interrupted, judged by the lease it kept', async () => {
    // Another instance's rollback, as it records itself: a lease beaten from its session, and its operation.
    const instance = await world.db.pool.connect();
    const lease = await instance.query(
      `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
       VALUES ('rollback of run elsewhere', now(), now(), pg_backend_pid()) RETURNING holder`,
    );
    const row = await world.db.pool.query(
      `INSERT INTO migration_operations (kind, status, total, started_by, lease_holder) VALUES ('rollback', 'running', 500, 'cli', $1) RETURNING id`,
      [lease.rows[0].holder],
    );
    const url = `/migration/operations/${row.rows[0].id}`;
    expect((await http().get(url).set(admin).expect(200)).body).toMatchObject({
      status: 'running',
      startedBy: 'cli',
      startedByEmail: null,
    });

    // The instance dies: its session goes, and its lease stops being beaten.
    instance.release(true);
    const read = await eventually(
      async () => (await http().get(url).set(admin).expect(200)).body,
      (body) => body.status !== 'running',
    );
    expect(read).toMatchObject({ status: 'interrupted', errorCode: 'interrupted', finishedAt: expect.any(String), report: null });
  });

  it('records an abandoned operation interrupted in the periodic settling too, without anyone reading it', async () => {
    const gone = await world.db.pool.query(
      `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
       VALUES ('rollback of run long gone', now() - interval '1 hour', now() - interval '1 hour', 0) RETURNING holder`,
    );
    const row = await world.db.pool.query(
      `INSERT INTO migration_operations (kind, status, total, started_by, lease_holder) VALUES ('rollback', 'running', 7, 'cli', $1) RETURNING id`,
      [gone.rows[0].holder],
    );
    await world.app.get(MigrationService).settleAbandonedRuns();
    const { rows } = await world.db.pool.query('SELECT status, error_code FROM migration_operations WHERE id = $1', [row.rows[0].id]);
    expect(rows[0]).toEqual({ status: 'interrupted', error_code: 'interrupted' });
  });

  it('shows a rollback the CLI started, and reads it interrupted once that process is killed', async () => {
    await buildOnce();
    const [run] = (await http().get('/migration/runs').set(admin).expect(200)).body.items;
    const env = { ...TEST_ENV, DATABASE_URL: world.db.url, CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url };
    // Writers kept off users: the CLI's rollback records its operation, then waits on its first user.
    const blocker = await world.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN EXCLUSIVE MODE');
      const child = startCli(['rollback', '--run', run.id, '--yes', '--json'], env);
      const exited = new Promise((resolve) => child.on('close', resolve));
      const recorded = await eventually(
        async () =>
          (await world.db.pool.query(`SELECT id FROM migration_operations WHERE run_id = $1 AND started_by = 'cli'`, [run.id])).rows,
        (rows) => rows.length > 0,
        30_000,
      );
      const url = `/migration/operations/${recorded[0].id}`;
      expect((await http().get(url).set(admin).expect(200)).body).toMatchObject({ kind: 'rollback', runId: run.id, status: 'running' });
      child.kill('SIGKILL');
      await exited;
      const read = await eventually(
        async () => (await http().get(url).set(admin).expect(200)).body,
        (body) => body.status !== 'running',
        30_000,
      );
      expect(read).toMatchObject({ status: 'interrupted', startedBy: 'cli', startedByEmail: null });
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
  }, 90_000);
});
