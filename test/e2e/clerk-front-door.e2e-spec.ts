import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MigrationService } from '../../src/migration/migration.service.js';
import { SyncService } from '../../src/sync/sync.service.js';
import { insertUser } from '../factories/user.factory.js';
import { signedInAdmin } from '../utils/auth.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { eventually } from '../utils/eventually.js';

let sequence = 0;
function newEmail(): string {
  sequence += 1;
  return `front-door-${process.pid}-${sequence}-${Date.now()}@example.com`;
}

/**
 * Clerk as the front door, end to end: the emulator's own webhooks (signed with its secret, sent
 * over HTTP by its delivery queue, as Clerk's would be) reach the app listening on a real port, and
 * nothing in this test signs or posts a delivery itself. Every effect is read from PostgreSQL, polled
 * within bounds.
 */
describe('Clerk as the front door, through the emulator’s real webhooks', () => {
  let world: AuthWorld;
  const query = async (sql: string, values: unknown[] = []) => (await world.db.pool.query(sql, values)).rows;
  const rowOf = async (clerkUserId: string) => (await query('SELECT * FROM users WHERE clerk_user_id = $1', [clerkUserId]))[0];
  const rowById = async (userId: string) => (await query('SELECT * FROM users WHERE user_id = $1', [userId]))[0];
  const outcomesOf = async (clerkUserId: string) =>
    (
      await query(`SELECT type, outcome FROM clerk_webhook_events WHERE clerk_user_id = $1 AND applied_at IS NOT NULL ORDER BY id`, [
        clerkUserId,
      ])
    ).map((row) => `${row.type}:${row.outcome}`);
  const auditedUpdates = (userId: string) =>
    query(`SELECT details FROM audit_logs WHERE action = 'sync.user.updated' AND user_id = $1`, [userId]);

  /**
   * Every delivery sent (or given up), then every stored event applied. `due`: every event applied
   * but those waiting on purpose (a sign-in whose account is not linked yet, after a dropped
   * `user.created`, waits up to a minute).
   */
  async function settled(events: 'all' | 'due' = 'all'): Promise<void> {
    await world.clerk.webhooksIdle(10_000);
    const due = events === 'due' ? ' AND available_at <= now()' : '';
    await eventually(
      async () => (await query(`SELECT count(*)::int AS n FROM clerk_webhook_events WHERE applied_at IS NULL${due}`))[0].n,
      (pending) => pending === 0,
      { timeoutMs: 10_000, what: events === 'due' ? 'every due webhook event to be applied' : 'every stored webhook event to be applied' },
    );
  }

  /**
   * Every owed `external_id` update sent to Clerk, and the `user.updated` it echoes applied. A fault
   * injected before then would hit that echo rather than the change a test makes.
   */
  async function externalIdsSettled(): Promise<void> {
    await eventually(
      async () => (await query('SELECT count(*)::int AS n FROM clerk_external_id_updates'))[0].n,
      (owed) => owed === 0,
      { timeoutMs: 10_000, what: 'every owed external_id update to reach Clerk' },
    );
    await settled('due');
  }

  /** A person who signs up at Clerk (never a legacy user), provisioned by `user.created` alone. */
  async function signedUpPerson(firstName = 'Front', lastName = 'Door') {
    const email = newEmail();
    const session = world.clerk.signUp({ email, password: 'a-clerk-native-password', firstName, lastName });
    const row = await eventually(
      () => rowOf(session.userId),
      (value) => value !== undefined,
      10_000,
    );
    return { email, session, row };
  }

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({
      CLERK_JWT_KEY: clerk.publicKeyPem,
      CLERK_RATE_LIMIT: '1000',
      CLERK_WEBHOOK_SIGNING_SECRET: clerk.webhookSecret,
    }));
    await world.app.listen(0, '127.0.0.1');
    const url = (await world.app.getUrl()).replace('[::1]', '127.0.0.1');
    world.clerk.configureWebhooks({ url: `${url}/webhooks/clerk`, retryDelaysMs: [100, 500, 1000] });
  });
  afterAll(() => world?.close());

  it('a sign-up arrives by user.created, gets one row, Clerk learns its user_id, and nothing loops', async () => {
    const email = newEmail();
    const signUp = world.clerk.signUp({
      email,
      firstName: 'Katherine',
      lastName: 'Johnson',
      publicMetadata: { role: 'editor' },
      unsafeMetadata: { role: 'admin' },
    });
    await settled('due');
    const row = await rowOf(signUp.userId);
    expect(row).toMatchObject({ email, name: 'Katherine Johnson', role: 'editor', password_hash: null });
    const externalId = await eventually(
      async () => world.clerk.users().find((user) => user.id === signUp.userId)?.external_id,
      (value) => value === row.user_id,
    );
    expect(externalId).toBe(row.user_id);
    await settled('due');
    const me = await world.http().get('/users/me').set('Authorization', `Bearer ${signUp.token}`).expect(200);
    expect(me.body).toMatchObject({ userId: row.user_id, clerkUserId: signUp.userId, email });
    // Our own external_id update came back as user.updated and changed nothing; session.created recorded the sign-in.
    const patches = world.clerk.requestCounts()['PATCH /v1/users/{user_id}']?.['200'] ?? 0;
    expect(patches).toBe(1);
    // The session.created may have come in while its user.created was being applied: it waits a second for it.
    const outcomes = await eventually(
      () => query('SELECT type, outcome FROM clerk_webhook_events WHERE clerk_user_id = $1 ORDER BY id', [signUp.userId]),
      (rows) => rows.every((event: { outcome: string | null }) => event.outcome !== null),
    );
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { type: 'user.created', outcome: 'provisioned' },
        { type: 'session.created', outcome: 'sign_in_recorded' },
        { type: 'user.updated', outcome: 'unchanged' },
      ]),
    );
    expect(await query('SELECT count(*)::int AS n FROM users WHERE clerk_user_id = $1', [signUp.userId])).toEqual([{ n: 1 }]);
    expect(await query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email])).toEqual([{ n: 1 }]);
  });

  it('a sign-up becomes a users row before any request, with the default role', async () => {
    const { email, session, row } = await signedUpPerson('Ada', 'Byron');

    expect(row).toMatchObject({ email, name: 'Ada Byron', role: 'user', password_hash: null });
    await settled();
    expect(await outcomesOf(session.userId)).toEqual(
      expect.arrayContaining(['user.created:provisioned', 'session.created:sign_in_recorded']),
    );
  });

  it('a dashboard edit reaches the row through user.updated, audited with old and new values', async () => {
    const { session, row } = await signedUpPerson('Before', 'Edit');
    await settled();
    const email = newEmail();
    world.clerk.editUser(session.userId, { firstName: 'After', lastName: 'Edit', email, publicMetadata: { role: 'editor' } });
    await settled();

    expect(await rowById(row.user_id)).toMatchObject({ name: 'After Edit', email, role: 'editor', clerk_user_id: session.userId });
    expect((await auditedUpdates(row.user_id)).map((entry) => entry.details.changes)).toEqual([
      { name: { old: 'Before Edit', new: 'After Edit' }, email: { old: row.email, new: email }, role: { old: 'user', new: 'editor' } },
    ]);
  });

  it('session.created is recorded as the person’s Clerk sign-in, at sign-up and at every later sign-in', async () => {
    const { email, session, row } = await signedUpPerson();
    await settled();
    const [first] = await query('SELECT clerk_user_id, first_signed_in_at, last_signed_in_at FROM clerk_sign_ins WHERE user_id = $1', [
      row.user_id,
    ]);
    expect(first).toMatchObject({ clerk_user_id: session.userId });

    await world.clerk.signIn(email, 'a-clerk-native-password');
    await settled();
    const [later] = await query('SELECT last_signed_in_at FROM clerk_sign_ins WHERE user_id = $1', [row.user_id]);
    expect((later.last_signed_in_at as Date).getTime()).toBeGreaterThan((first.last_signed_in_at as Date).getTime());
  });

  it('a dashboard deletion keeps the row and its data, clears the link and marks the person deleted at Clerk', async () => {
    const { session, row } = await signedUpPerson();
    await settled();
    world.clerk.deleteUser(session.userId);
    await settled();

    expect(await rowById(row.user_id)).toEqual({ ...row, clerk_user_id: null });
    expect(await query('SELECT clerk_user_id, source FROM clerk_deleted_users WHERE user_id = $1', [row.user_id])).toEqual([
      { clerk_user_id: session.userId, source: 'webhook' },
    ]);
    const admin = await signedInAdmin(world.app, world.db.pool);
    const listed = await world.http().get('/sync/deleted-at-clerk').set(admin.auth).expect(200);
    expect(JSON.stringify(listed.body)).toContain(row.user_id);
  });

  it('a delivery the emulator sent twice (one svix-id) is stored and applied once', async () => {
    const { session, row } = await signedUpPerson('Twice', 'Sent');
    await externalIdsSettled();
    world.clerk.injectWebhookFault('duplicate');
    world.clerk.editUser(session.userId, { firstName: 'Once', lastName: 'Applied' });
    await settled();
    const [delivery] = world.clerk
      .webhookDeliveries()
      .filter((d) => d.clerkUserId === session.userId && d.type === 'user.updated' && d.copies === 2);

    expect(delivery).toMatchObject({ status: 'delivered', copies: 2 });
    expect(await query('SELECT count(*)::int AS n FROM clerk_webhook_events WHERE svix_id = $1', [delivery.svixId])).toEqual([{ n: 1 }]);
    expect((await rowById(row.user_id)).name).toBe('Once Applied');
    expect(await auditedUpdates(row.user_id)).toHaveLength(1);
  });

  it('duplicated and reordered deliveries are applied once and in order', async () => {
    const signUp = world.clerk.signUp({ email: newEmail() });
    await externalIdsSettled();
    const { user_id: userId } = await rowOf(signUp.userId);
    world.clerk.injectWebhookFault('duplicate', 1);
    world.clerk.editUser(signUp.userId, { firstName: 'First', lastName: 'Edit' });
    world.clerk.injectWebhookFault('reorder', 1);
    world.clerk.editUser(signUp.userId, { firstName: 'Second', lastName: 'Edit' });
    world.clerk.editUser(signUp.userId, { firstName: 'Third', lastName: 'Edit' });
    await settled('due');
    expect((await rowById(userId)).name).toBe('Third Edit');
    expect((await auditedUpdates(userId)).length).toBeLessThanOrEqual(3);
  });

  it("a rollback's own deletions, delivered as user.deleted, change nothing: the people migrate again", async () => {
    const legacy = await insertUser(world.db.pool);
    const migration = world.app.get(MigrationService);
    const run = await migration.migrate({ actor: 'test', email: legacy.email });
    await settled('due');
    await migration.rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    await settled('due');
    expect(await query('SELECT 1 FROM clerk_deleted_users WHERE user_id = $1', [legacy.userId])).toEqual([]);
    expect((await rowById(legacy.userId)).clerk_user_id).toBeNull();
    const again = await migration.migrate({ actor: 'test', email: legacy.email });
    expect(again.counts).toMatchObject({ created: 1 });
    const { token } = await world.clerk.signIn(legacy.email, legacy.password!, ORIGIN);
    await world.http().get('/users/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('a user.updated the emulator dropped for good is repaired by POST /sync', async () => {
    const { session, row } = await signedUpPerson('Lost', 'Update');
    await externalIdsSettled();
    world.clerk.injectWebhookFault('drop');
    world.clerk.editUser(session.userId, { firstName: 'Found', lastName: 'Again' });
    await settled();
    const dropped = world.clerk.webhookDeliveries().filter((d) => d.clerkUserId === session.userId && d.type === 'user.updated');
    expect(dropped.at(-1)?.status).toBe('dropped');
    expect((await rowById(row.user_id)).name).toBe('Lost Update');

    const admin = await signedInAdmin(world.app, world.db.pool);
    const report = await world.http().post('/sync').set(admin.auth).send({}).expect(200);
    expect(report.body.updated).toBeGreaterThanOrEqual(1);
    expect((await rowById(row.user_id)).name).toBe('Found Again');
  });

  // Last: the sign-in of the person whose user.created was dropped waits, on purpose, for a minute.
  it('sync repairs what dropped deliveries lost: a created, an updated and a deleted', async () => {
    await externalIdsSettled();
    world.clerk.injectWebhookFault('drop', 1);
    const created = world.clerk.signUp({ email: newEmail() });
    await settled('due');
    const edited = world.clerk.signUp({ email: newEmail() });
    const gone = world.clerk.signUp({ email: newEmail() });
    await externalIdsSettled();
    world.clerk.injectWebhookFault('drop', 1);
    world.clerk.editUser(edited.userId, { firstName: 'Dropped', lastName: 'Update' });
    await settled('due');
    world.clerk.injectWebhookFault('drop', 1);
    world.clerk.deleteUser(gone.userId);
    await settled('due');
    const goneRow = await rowOf(gone.userId);
    const report = await world.app.get(SyncService).run({ actor: 'test' });
    expect(report.provisioned).toBeGreaterThanOrEqual(1);
    expect(report.updated).toBeGreaterThanOrEqual(1);
    expect(report.deletedAtClerk).toBe(1);
    expect(await rowOf(created.userId)).toBeDefined();
    expect((await rowOf(edited.userId)).name).toBe('Dropped Update');
    expect((await rowById(goneRow.user_id)).clerk_user_id).toBeNull();
  });
});
