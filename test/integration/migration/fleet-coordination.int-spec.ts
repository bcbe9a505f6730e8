import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { LockTurns } from '../../../src/migration/lock-turns.js';
import { LoginMigration, trickleRunKey } from '../../../src/migration/login-migration.js';
import { MigrationScheduler } from '../../../src/migration/migration.scheduler.js';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { insertUser, insertUsers, makeUser } from '../../factories/user.factory.js';
import { ROW_FINGERPRINT } from '../../../src/users/row-fingerprint.js';
import { eventually } from '../../utils/eventually.js';
import { createTestApp } from '../../utils/test-app.js';
import { insertItems, insertRun } from '../../utils/run-rows.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/** Two instances of the app on one database, trickle migration on, the sweep driven by the test. */
describe('several instances on one database', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  const apps: INestApplication[] = [];
  const service = (i = 0) => apps[i].get(MigrationService);
  const sweep = (slot: string, i = 0) => apps[i].get(MigrationScheduler).sweep(slot, 60_000, 100);

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    const env = {
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '1000',
      MIGRATION_ON_LOGIN: 'true',
      LEGACY_DUMMY_HASH_COST: '4',
    };
    for (let i = 0; i < 2; i += 1) apps.push(await createTestApp(db.url, env));
  });
  beforeEach(async () => {
    // Each test sees only its own users: earlier ones are moved out of the way.
    await db.pool.query(`UPDATE users SET clerk_user_id = 'done_' || user_id WHERE clerk_user_id IS NULL`);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await clerk.stop();
    await db.drop();
  });

  const linkOf = async (userId: string) =>
    (await db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [userId])).rows[0].clerk_user_id;
  const itemsOf = async (userId: string) =>
    (
      await db.pool.query(
        'SELECT i.status, i.reason FROM migration_items i JOIN migration_runs r ON r.id = i.run_id WHERE user_id = $1 AND NOT r.dry_run ORDER BY i.id',
        [userId],
      )
    ).rows;

  it('moves everyone of a simultaneous login wave on two instances exactly once, without a run per login', async () => {
    const users = await insertUsers(
      db.pool,
      Array.from({ length: 24 }, () => makeUser()),
    );
    const runsBefore = (await db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n;
    await Promise.all(
      users.map((user, i) =>
        request(apps[i % 2].getHttpServer())
          .post('/auth/login')
          .send({ email: user.email, password: user.password })
          .expect(200),
      ),
    );
    // The answers went out before Clerk was called; the moves finish behind them.
    await Promise.all(apps.map((app) => app.get(LoginMigration).settled()));

    for (const user of users) expect(await itemsOf(user.userId)).toEqual([{ status: 'created', reason: 'bcrypt_digest' }]);
    const accounts = clerk.users().filter((a) => users.some((u) => u.userId === a.external_id));
    expect(accounts).toHaveLength(users.length);
    for (const account of accounts) expect(await linkOf(account.external_id as string)).toBe(account.id);
    const runsAfter = await db.pool.query(`SELECT kind, status FROM migration_runs OFFSET $1`, [runsBefore]);
    expect(runsAfter.rows).toEqual([{ kind: 'login', status: 'open' }]);
  });

  it('sweeps a slot on exactly one instance, even while logins are being migrated', async () => {
    const users = await insertUsers(
      db.pool,
      Array.from({ length: 10 }, () => makeUser()),
    );
    const logins = users
      .slice(0, 4)
      .map((user) => request(apps[1].getHttpServer()).post('/auth/login').send({ email: user.email, password: user.password }));
    await Promise.all([sweep('2026-12-01T03:00', 0), sweep('2026-12-01T03:00', 1), ...logins]);

    const sweeps = await db.pool.query(`SELECT status, standing_key FROM migration_runs WHERE kind = 'sweep'`);
    expect(sweeps.rows).toEqual([{ status: 'completed', standing_key: 'sweep:2026-12-01T03:00' }]);
    await apps[1].get(LoginMigration).settled();
    for (const user of users) expect(await linkOf(user.userId)).toMatch(/^user_/);
  });

  it('records no run for a sweep that finds nobody left to migrate', async () => {
    const runsBefore = (await db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n;
    await sweep('2026-12-07T03:00');
    await sweep('2026-12-07T04:00', 1);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n).toBe(runsBefore);
  });

  it('reports an invalid user once, then plans them again only when their row changes or when asked', async () => {
    const broken = await insertUser(db.pool, { passwordHash: 'sha1$salt$0123456789abcdef0123456789abcdef01234567' });
    await sweep('2026-12-02T03:00');
    await sweep('2026-12-03T03:00');
    expect(await itemsOf(broken.userId)).toEqual([{ status: 'failed', reason: 'unsupported_hash' }]);
    expect((await service().dryRun({ actor: 'test' })).total).toBe(0);

    await service().migrate({ actor: 'test', retryInvalid: true });
    expect(await itemsOf(broken.userId)).toHaveLength(2);

    const fixed = makeUser();
    await db.pool.query('UPDATE users SET password_hash = $1 WHERE user_id = $2', [fixed.passwordHash, broken.userId]);
    await sweep('2026-12-04T03:00');
    expect((await itemsOf(broken.userId)).at(-1)).toEqual({ status: 'created', reason: 'bcrypt_digest' });
  });

  it('reports an invalid user whom an interrupted run planned but never reached', async () => {
    const broken = await insertUser(db.pool, { passwordHash: 'sha1$salt$0123456789abcdef0123456789abcdef01234567' });
    // What an interruption leaves: the user planned invalid, then failed as interrupted before being settled.
    const runId = await insertRun(db.pool, { status: 'interrupted' });
    await db.pool.query(
      `INSERT INTO migration_items (run_id, user_id, email, action, reason, status, error_code, attempts, row_fingerprint)
       SELECT $1, u.user_id, u.email, 'invalid', 'unsupported_hash', 'failed', 'interrupted', 0, ${ROW_FINGERPRINT('u')}
         FROM users u WHERE u.user_id = $2`,
      [runId, broken.userId],
    );
    expect((await service().dryRun({ actor: 'test' })).total).toBe(1);

    await sweep('2026-12-06T03:00');
    const items = await db.pool.query(
      `SELECT status, error_code FROM migration_items WHERE user_id = $1 AND status <> 'planned' ORDER BY id`,
      [broken.userId],
    );
    expect(items.rows).toEqual([
      { status: 'failed', error_code: 'interrupted' },
      { status: 'failed', error_code: 'unsupported_hash' },
    ]);
    expect((await service().dryRun({ actor: 'test' })).total).toBe(0);
  });

  it('leaves a rolled-back person to an explicit run: the sweep and their logins do not move them again', async () => {
    const user = await insertUser(db.pool);
    const run = await service().migrate({ actor: 'test', email: user.email });
    await service().rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    expect(await linkOf(user.userId)).toBeNull();

    await sweep('2026-12-05T03:00');
    await request(apps[0].getHttpServer()).post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await apps[0].get(LoginMigration).settled();
    expect(await linkOf(user.userId)).toBeNull();
    // Not for want of trying: the login was answered and would have set off a trickle migration.
    const audit = await db.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE user_id = $1 AND action = 'auth.login.succeeded'`, [
      user.userId,
    ]);
    expect(audit.rows[0].n).toBe(1);

    await service().migrate({ actor: 'test' });
    expect(await linkOf(user.userId)).toMatch(/^user_/);
  });

  it('refuses to roll back the day’s trickle run while it is open', async () => {
    const open = await db.pool.query(`SELECT id FROM migration_runs WHERE kind = 'login' AND status = 'open'`);
    await expect(
      service().rollback({ runId: open.rows[0].id, actor: 'test', deleteClerkUsers: false, dryRun: false, confirm: true }),
    ).rejects.toMatchObject({
      code: 'not_rollbackable',
    });
  });

  it('stops a run that another process has declared dead, as if it had lost its lock', async () => {
    // Enough work to outlast a heartbeat or two: 300 users, 100 ms a Clerk call, 16 at a time.
    await insertUsers(
      db.pool,
      Array.from({ length: 300 }, () => makeUser()),
    );
    clerk.setFaults({ latencyMs: 100 });
    try {
      const { run, finished } = await service().start({ actor: 'test' });
      const named = await db.pool.query(
        'SELECT l.activity FROM migration_runs r JOIN migration_lock_leases l ON l.holder = r.lease_holder WHERE r.id = $1',
        [run.id],
      );
      expect(named.rows).toEqual([{ activity: 'migration run (all)' }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await db.pool.query(`UPDATE migration_runs SET status = 'interrupted' WHERE id = $1`, [run.id]);
      const ended = await finished;
      expect({ status: ended.status, errorCode: ended.errorCode }).toEqual({ status: 'interrupted', errorCode: 'lock_lost' });
      const left = await db.pool.query(
        `SELECT count(*)::int AS n FROM migration_items WHERE run_id = $1 AND status IN ('pending', 'creating')`,
        [run.id],
      );
      expect(left.rows[0].n).toBe(0);
    } finally {
      clerk.setFaults({ latencyMs: 0 });
    }
  });

  it('ignores a lock lease its process left behind, and stops a holder whose lease another process cleared', async () => {
    // A holder that died two seconds after its session: past the reconnect grace, long before its beat is stale.
    await db.pool.query(
      `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
       VALUES ('rollback of a crashed process', now() - interval '1 minute', now() - interval '5 seconds', -1)`,
    );
    const startedAt = Date.now();
    const lock = await apps[0].get(LockTurns).acquire('test');
    try {
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      const leases = await db.pool.query('SELECT holder, activity FROM migration_lock_leases');
      expect(leases.rows).toEqual([{ holder: lock.holder, activity: 'test' }]);

      await db.pool.query('DELETE FROM migration_lock_leases WHERE holder = $1', [lock.holder]);
      const lost = await eventually(
        async () => lock.lost.aborted,
        (aborted) => aborted,
        { timeoutMs: 5_000, intervalMs: 50 },
      );
      expect(lost).toBe(true);
    } finally {
      await lock.release();
    }
  });

  /**
   * A past day's trickle run whose process died an hour ago mid-create: the item stays `creating`,
   * and the create did land in Clerk (the account carries the user's id).
   */
  async function abandonedTrickleCreate(standingKey: string) {
    const user = await insertUser(db.pool);
    const runId = await insertRun(db.pool, { kind: 'login', startedBy: 'login', status: 'open', standingKey, finishedAt: null });
    await db.pool.query(
      `INSERT INTO migration_items (run_id, user_id, email, action, status, attempts, updated_at)
       VALUES ($1, $2, $3, 'create', 'creating', 1, now() - interval '1 hour')`,
      [runId, user.userId, user.email],
    );
    const account = clerk.seedUser({ email: user.email, externalId: user.userId });
    return { user, runId, account };
  }

  it('closes a past day’s trickle run and settles the creates it left uncertain, from any instance', async () => {
    const { user, runId, account } = await abandonedTrickleCreate('login:2020-01-01');

    await service(1).settleAbandonedRuns();

    expect((await db.pool.query('SELECT status FROM migration_runs WHERE id = $1', [runId])).rows[0].status).toBe('completed');
    expect(await itemsOf(user.userId)).toEqual([{ status: 'created', reason: null }]);
    expect(await linkOf(user.userId)).toBe(account.id);
  });

  it('closes a past day’s trickle run with failures as completed_with_errors, with its counts, and leaves today’s open', async () => {
    const openRun = async (standingKey: string) => {
      await db.pool.query(
        `INSERT INTO migration_runs (kind, strategy, started_by, status, standing_key) VALUES ('login', 'password', 'login', 'open', $1)
         ON CONFLICT (standing_key) DO NOTHING`,
        [standingKey],
      );
      return (await db.pool.query('SELECT id FROM migration_runs WHERE standing_key = $1', [standingKey])).rows[0].id as string;
    };
    const past = await openRun('login:2020-01-03');
    const today = await openRun(trickleRunKey());
    await insertItems(db.pool, past, 10);

    await service(1).settleAbandonedRuns();

    const runs = await db.pool.query('SELECT id, status, counts FROM migration_runs WHERE id = ANY($1)', [[past, today]]);
    expect(runs.rows.find((r) => r.id === past)).toMatchObject({
      status: 'completed_with_errors',
      counts: { total: 10, created: 9, failed: 1 },
    });
    expect(runs.rows.find((r) => r.id === today)).toMatchObject({ status: 'open' });
  });

  it('leaves abandoned creates to its next turn while a holder that lost the lock is still stopping', async () => {
    const { user, account } = await abandonedTrickleCreate('login:2020-01-02');
    // A rollback elsewhere that lost its lock and is finishing its page: its lease is still beaten.
    const stopping = await db.pool.query(
      `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
       VALUES ('rollback of run elsewhere', now(), now(), pg_backend_pid()) RETURNING holder`,
    );

    await service(1).settleAbandonedRuns();
    expect(await itemsOf(user.userId)).toEqual([{ status: 'creating', reason: null }]);

    await db.pool.query('DELETE FROM migration_lock_leases WHERE holder = $1', [stopping.rows[0].holder]);
    await service(1).settleAbandonedRuns();
    expect(await itemsOf(user.userId)).toEqual([{ status: 'created', reason: null }]);
    expect(await linkOf(user.userId)).toBe(account.id);
  });

  it('marks a run whose process is gone interrupted, from any instance, and leaves live runs alone', async () => {
    const { rows } = await db.pool.query(
      `INSERT INTO migration_runs (kind, strategy, started_by, status, heartbeat_at, started_at)
       VALUES ('all', 'password', 'cli', 'running', now() - interval '1 minute', now() - interval '2 minutes'),
              ('all', 'password', 'cli', 'running', now(), now())
       RETURNING id`,
    );
    expect(await service(1).settleAbandonedRuns()).toEqual([rows[0].id]);
    const statuses = await db.pool.query('SELECT id, status FROM migration_runs WHERE id = ANY($1) ORDER BY started_at', [
      rows.map((r) => r.id),
    ]);
    expect(statuses.rows.map((r) => r.status)).toEqual(['interrupted', 'running']);
    await db.pool.query(`UPDATE migration_runs SET status = 'interrupted' WHERE id = $1`, [rows[1].id]);
  });

  it('judges a run by the lease it names, even once that lease is cleared, and a run that names none (the previous version’s) by its own heartbeat', async () => {
    const beat = (age: string) => `now() - interval '${age}'`;
    /** A running run beaten at `runBeat`, naming a lease beaten at `leaseBeat` (`null`: a lease since cleared; absent: none). */
    const runWith = async (runBeat: string, leaseBeat?: string | null) => {
      let holder: string | null = null;
      if (leaseBeat === null) holder = '00000000-0000-4000-8000-000000000000';
      else if (leaseBeat) {
        const lease = await db.pool.query(
          `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
           VALUES ('migration run (all)', now() - interval '2 minutes', ${leaseBeat}, pg_backend_pid()) RETURNING holder`,
        );
        holder = lease.rows[0].holder;
      }
      const { rows } = await db.pool.query(
        `INSERT INTO migration_runs (kind, strategy, started_by, status, heartbeat_at, heartbeat_pid, lease_holder, started_at)
         VALUES ('all', 'password', 'cli', 'running', ${runBeat}, pg_backend_pid(), $1, now() - interval '2 minutes') RETURNING id`,
        [holder],
      );
      return rows[0].id as string;
    };
    const liveLeaseStaleRun = await runWith(beat('1 minute'), 'now()');
    const deadLeaseFreshRun = await runWith('now()', beat('1 minute'));
    const clearedLeaseFreshRun = await runWith('now()', null);
    const noLeaseFreshRun = await runWith('now()');
    const noLeaseStaleRun = await runWith(beat('1 minute'));
    const ids = [liveLeaseStaleRun, deadLeaseFreshRun, clearedLeaseFreshRun, noLeaseFreshRun, noLeaseStaleRun];
    try {
      expect((await service(1).settleAbandonedRuns()).sort()).toEqual([deadLeaseFreshRun, clearedLeaseFreshRun, noLeaseStaleRun].sort());
    } finally {
      await db.pool.query(
        'DELETE FROM migration_lock_leases WHERE holder IN (SELECT lease_holder FROM migration_runs WHERE id = ANY($1))',
        [ids],
      );
      await db.pool.query(`UPDATE migration_runs SET status = 'interrupted' WHERE id = ANY($1)`, [ids]);
    }
  });
});
