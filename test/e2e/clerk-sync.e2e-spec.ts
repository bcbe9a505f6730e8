import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { MigrationService } from '../../src/migration/migration.service.js';
import { SYNC_LOCK_KEY } from '../../src/sync/sync-lock.js';
import { SyncService } from '../../src/sync/sync.service.js';
import { insertUser } from '../factories/user.factory.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { buildOnce, runCli } from '../utils/cli.js';
import { newWebhookSecret, signedDelivery } from '../utils/clerk-webhooks.js';
import { eventually } from '../utils/eventually.js';

/** A sync report's fields, sorted: the same whether the pass ran in-process or over HTTP. */
const REPORT_KEYS = ['clerkUsers', 'conflicts', 'deletedAtClerk', 'linked', 'provisioned', 'unchanged', 'updated'];

let sequence = 0;
function newEmail(): string {
  sequence += 1;
  return `sync-${process.pid}-${sequence}-${Date.now()}@example.com`;
}

/** Every table `sync` may write, and what Clerk was asked to change: a dry run must leave all of it as it was. */
async function snapshot(world: AuthWorld) {
  const read = async (sql: string) => (await world.db.pool.query(sql)).rows;
  return {
    users: await read('SELECT * FROM users ORDER BY user_id'),
    deleted: await read('SELECT * FROM clerk_deleted_users ORDER BY user_id'),
    versions: await read('SELECT * FROM clerk_account_versions ORDER BY clerk_user_id'),
    owed: await read('SELECT * FROM clerk_external_id_updates ORDER BY user_id'),
    audit: await read('SELECT count(*)::int AS n FROM audit_logs'),
    clerkWrites: ['PATCH /v1/users/{user_id}', 'POST /v1/users', 'DELETE /v1/users/{user_id}'].map(
      (route) => world.clerk.requestCounts()[route] ?? {},
    ),
  };
}

describe('sync: what webhooks missed', () => {
  const secret = newWebhookSecret();
  let world: AuthWorld;
  let sync: SyncService;

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({
      CLERK_JWT_KEY: clerk.publicKeyPem,
      CLERK_RATE_LIMIT: '1000',
      CLERK_WEBHOOK_SIGNING_SECRET: secret,
    }));
    sync = world.app.get(SyncService);
  });
  afterAll(() => world.close());

  /** The Backend API as Clerk's dashboard would use it: changes that send webhooks Clerk lost. */
  async function clerkApi(method: string, path: string, body?: unknown): Promise<void> {
    const answer = await fetch(`${world.clerk.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${world.clerk.secretKey}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    expect(answer.status).toBe(200);
  }

  const rowOf = async (clerkUserId: string) =>
    (await world.db.pool.query('SELECT * FROM users WHERE clerk_user_id = $1', [clerkUserId])).rows[0];

  it('repairs a dropped user.created: the person is provisioned and Clerk learns their user_id', async () => {
    const account = world.clerk.seedUser({ email: newEmail(), firstName: 'Dropped', lastName: 'Created' });
    const report = await sync.run({ actor: 'test' });
    expect(Object.keys(report).sort()).toEqual(REPORT_KEYS);
    expect(report.provisioned).toBeGreaterThanOrEqual(1);
    const row = await rowOf(account.id);
    expect(row).toMatchObject({ name: 'Dropped Created', password_hash: null });
    expect(world.clerk.users().find((user) => user.id === account.id)?.external_id).toBe(row.user_id);
  });

  it('links an unlinked legacy user whose account is provably theirs instead of provisioning', async () => {
    const legacy = await insertUser(world.db.pool);
    const account = world.clerk.seedUser({ email: legacy.email, externalId: legacy.userId });
    await sync.run({ actor: 'test' });
    expect((await rowOf(account.id)).user_id).toBe(legacy.userId);
  });

  it('repairs a dropped user.updated', async () => {
    const { local, clerkId } = await world.linkedClerkUser({ name: 'Before Edit' });
    await clerkApi('PATCH', `/v1/users/${clerkId}`, { first_name: 'After', last_name: 'Edit' });
    const report = await sync.run({ actor: 'test' });
    expect(report.updated).toBeGreaterThanOrEqual(1);
    expect((await rowOf(clerkId)).name).toBe('After Edit');
    const audit = await world.db.pool.query(`SELECT details FROM audit_logs WHERE action = 'sync.user.updated' AND user_id = $1`, [
      local.userId,
    ]);
    expect(audit.rows[0].details).toMatchObject({ source: 'sync', changes: { name: { old: 'Before Edit', new: 'After Edit' } } });
  });

  it('repairs a dropped user.deleted, confirmed by a look-up', async () => {
    const { local, clerkId } = await world.linkedClerkUser();
    await clerkApi('DELETE', `/v1/users/${clerkId}`);
    const report = await sync.run({ actor: 'test' });
    expect(report.deletedAtClerk).toBe(1);
    const row = (await world.db.pool.query('SELECT clerk_user_id, email FROM users WHERE user_id = $1', [local.userId])).rows[0];
    expect(row).toEqual({ clerk_user_id: null, email: local.email });
    const marked = await world.db.pool.query('SELECT source FROM clerk_deleted_users WHERE user_id = $1', [local.userId]);
    expect(marked.rows).toEqual([{ source: 'sync' }]);
  });

  it('--dry-run writes nothing, to PostgreSQL or to Clerk, and says what it would do', async () => {
    world.clerk.seedUser({ email: newEmail() });
    const edited = await world.linkedClerkUser({ name: 'Dry Before' });
    await clerkApi('PATCH', `/v1/users/${edited.clerkId}`, { first_name: 'Dry', last_name: 'After' });
    const gone = await world.linkedClerkUser();
    await clerkApi('DELETE', `/v1/users/${gone.clerkId}`);
    const before = await snapshot(world);
    const report = await sync.run({ actor: 'test', dryRun: true });
    expect(await snapshot(world)).toEqual(before);
    expect(report).toMatchObject({ provisioned: 1, updated: 1, deletedAtClerk: 1 });
    await sync.run({ actor: 'test' });
  });

  it('runs one at a time across the fleet', async () => {
    const holder = new pg.Client({ connectionString: world.db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [SYNC_LOCK_KEY]);
      await expect(sync.run({ actor: 'test' })).rejects.toMatchObject({ status: 409, code: 'sync_in_progress' });
    } finally {
      await holder.end();
    }
  });

  it('POST /sync (admin) answers the report when the pass is done', async () => {
    const admin = await world.linkedClerkUser({ role: 'admin' });
    const answer = await world.http().post('/sync').set('Authorization', `Bearer ${admin.token}`).send({ dryRun: true }).expect(200);
    expect(Object.keys(answer.body).sort()).toEqual(REPORT_KEYS);
    const user = await world.linkedClerkUser();
    await world.http().post('/sync').set('Authorization', `Bearer ${user.token}`).send({}).expect(403);
  });

  it('the undo of a provisioned person: a rollback of any run leaves them alone', async () => {
    const signUp = world.clerk.seedUser({ email: newEmail() });
    const token = world.clerk.mintSessionToken({ sub: signUp.id, azp: ORIGIN });
    const me = await world.http().get('/users/me').set('Authorization', `Bearer ${token}`).expect(200);
    const legacy = await insertUser(world.db.pool);
    const migration = world.app.get(MigrationService);
    const run = await migration.migrate({ actor: 'test', email: legacy.email });
    await migration.rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    expect(await rowOf(signUp.id)).toMatchObject({ user_id: me.body.userId, clerk_user_id: signUp.id });
    expect(world.clerk.users().some((user) => user.id === signUp.id)).toBe(true);
    await world.http().get('/users/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it("a rollback's own deletions change nothing: those people stay legacy and migrate again", async () => {
    const legacy = await insertUser(world.db.pool);
    const migration = world.app.get(MigrationService);
    const run = await migration.migrate({ actor: 'test', email: legacy.email });
    const clerkId = (await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [legacy.userId])).rows[0]
      .clerk_user_id as string;
    await migration.rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    const { headers, body, id } = signedDelivery(secret, { type: 'user.deleted', data: { id: clerkId, object: 'user', deleted: true } });
    await world.http().post('/webhooks/clerk').set(headers).send(body).expect(200);
    const outcome = await eventually(
      async () =>
        (await world.db.pool.query('SELECT outcome FROM clerk_webhook_events WHERE svix_id = $1 AND applied_at IS NOT NULL', [id])).rows[0],
      (row) => row !== undefined,
    );
    expect(outcome).toBeDefined();
    expect((await world.db.pool.query('SELECT 1 FROM clerk_deleted_users WHERE user_id = $1', [legacy.userId])).rows).toEqual([]);
    await sync.run({ actor: 'test' });
    expect((await world.db.pool.query('SELECT 1 FROM clerk_deleted_users WHERE user_id = $1', [legacy.userId])).rows).toEqual([]);
    const again = await migration.migrate({ actor: 'test', email: legacy.email });
    expect(again.counts).toMatchObject({ created: 1 });
  });

  it('a user.deleted that arrives while a rollback is still recording its own deletion waits for the record', async () => {
    const legacy = await insertUser(world.db.pool);
    const migration = world.app.get(MigrationService);
    await migration.migrate({ actor: 'test', email: legacy.email });
    const clerkId = (await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [legacy.userId])).rows[0]
      .clerk_user_id as string;
    // The moment between a rollback's delete at Clerk and its record of it: its lease is live, the item not yet marked.
    const lease = await world.db.pool.query(
      `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
       VALUES ('rollback of run test', now(), now() + interval '1 minute', pg_backend_pid()) RETURNING holder`,
    );
    try {
      const { headers, body, id } = signedDelivery(secret, { type: 'user.deleted', data: { id: clerkId, object: 'user', deleted: true } });
      await world.http().post('/webhooks/clerk').set(headers).send(body).expect(200);
      const waiting = async () =>
        (await world.db.pool.query('SELECT applied_at, available_at > now() AS later FROM clerk_webhook_events WHERE svix_id = $1', [id]))
          .rows[0];
      expect(await eventually(waiting, (row) => row.later === true)).toMatchObject({ applied_at: null, later: true });
      await world.db.pool.query('UPDATE migration_items SET clerk_deleted_at = now() WHERE user_id = $1 AND clerk_user_id = $2', [
        legacy.userId,
        clerkId,
      ]);
      const outcome = await eventually(
        async () =>
          (await world.db.pool.query('SELECT outcome FROM clerk_webhook_events WHERE svix_id = $1 AND applied_at IS NOT NULL', [id]))
            .rows[0],
        (row) => row !== undefined,
        15_000,
      );
      expect(outcome).toEqual({ outcome: 'own_deletion' });
      expect((await world.db.pool.query('SELECT 1 FROM clerk_deleted_users WHERE user_id = $1', [legacy.userId])).rows).toEqual([]);
    } finally {
      await world.db.pool.query('DELETE FROM migration_lock_leases WHERE holder = $1', [lease.rows[0].holder]);
    }
  });

  it('a user.deleted after a rollback that died between its delete and its record waits for the rollback to be run again', async () => {
    const legacy = await insertUser(world.db.pool);
    const migration = world.app.get(MigrationService);
    const run = await migration.migrate({ actor: 'test', email: legacy.email });
    const clerkId = (await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [legacy.userId])).rows[0]
      .clerk_user_id as string;
    // The rollback deleted the account at Clerk, then its process died before it recorded the deletion.
    world.clerk.deleteUser(clerkId);
    await world.db.pool.query(
      `INSERT INTO migration_operations (kind, run_id, status, total, started_by, error_code, finished_at)
       VALUES ('rollback', $1, 'interrupted', 1, 'cli', 'interrupted', now())`,
      [run.id],
    );
    const { headers, body, id } = signedDelivery(secret, { type: 'user.deleted', data: { id: clerkId, object: 'user', deleted: true } });
    await world.http().post('/webhooks/clerk').set(headers).send(body).expect(200);
    const event = async () =>
      (
        await world.db.pool.query(
          'SELECT applied_at, outcome, available_at > now() AS later FROM clerk_webhook_events WHERE svix_id = $1',
          [id],
        )
      ).rows[0];
    expect(await eventually(event, (row) => row.later === true)).toMatchObject({ applied_at: null, later: true });
    // Meanwhile the person keeps their link and is not marked deleted at Clerk (which would refuse their legacy login).
    expect((await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [legacy.userId])).rows[0].clerk_user_id).toBe(
      clerkId,
    );
    expect((await sync.run({ actor: 'test', dryRun: true })).deletedAtClerk).toBe(0);

    // The operator runs the rollback again: it unlinks the person, whose account is already gone at Clerk.
    const report = await migration.rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    expect(report).toMatchObject({ unlinked: 1, failed: [] });
    await world.db.pool.query('UPDATE clerk_webhook_events SET available_at = now() WHERE svix_id = $1', [id]);
    expect(
      (await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [legacy.userId])).rows[0].clerk_user_id,
    ).toBeNull();
    // The event now finds the account linked to nobody here (the rollback unlinked it): nothing to mark.
    expect(await eventually(event, (row) => row.applied_at !== null)).toMatchObject({ outcome: 'unchanged:unknown_account' });
    expect((await world.db.pool.query('SELECT 1 FROM clerk_deleted_users WHERE user_id = $1', [legacy.userId])).rows).toEqual([]);
  });
});

describe('clerk-migrate sync', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    await buildOnce();
    world = await startAuthWorld();
  });
  afterAll(() => world.close());

  const env = () => ({
    DATABASE_URL: world.db.url,
    CLERK_SECRET_KEY: world.clerk.secretKey,
    CLERK_API_URL: world.clerk.url,
    CLERK_RATE_LIMIT: '1000',
  });

  it('--help says what it does and what its JSON holds', async () => {
    const help = await runCli(['sync', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
    expect(help.stdout).toContain('clerkUsers, provisioned, linked, updated, deletedAtClerk, conflicts, unchanged');
  });

  it('--dry-run --json reports and writes nothing; a real pass provisions; deleted-at-clerk lists', async () => {
    const account = world.clerk.seedUser({ email: newEmail() });
    const dry = await runCli(['sync', '--dry-run', '--json'], env());
    expect(dry.code).toBe(0);
    expect(dry.json).toEqual({ clerkUsers: 1, provisioned: 1, linked: 0, updated: 0, deletedAtClerk: 0, conflicts: 0, unchanged: 0 });
    expect((await world.db.pool.query('SELECT 1 FROM users WHERE clerk_user_id = $1', [account.id])).rows).toEqual([]);
    const real = await runCli(['sync', '--json'], env());
    expect(real.json).toMatchObject({ clerkUsers: 1, provisioned: 1 });
    expect((await world.db.pool.query('SELECT 1 FROM users WHERE clerk_user_id = $1', [account.id])).rows).toHaveLength(1);
    const listed = await runCli(['deleted-at-clerk', '--json'], env());
    expect(listed.json).toEqual({ total: 0, items: [] });
    const stats = await runCli(['stats', '--json'], env());
    expect(stats.json).toMatchObject({ deletedAtClerk: 0 });
  });
});
