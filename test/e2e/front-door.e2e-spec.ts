import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signedInAdmin } from '../utils/auth.js';
import { startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { eventually } from '../utils/clerk-webhooks.js';

let sequence = 0;
function newEmail(): string {
  sequence += 1;
  return `front-door-${process.pid}-${sequence}-${Date.now()}@example.com`;
}

/**
 * Clerk as the front door, end to end: the emulator's own webhooks (signed with its secret, sent
 * over HTTP by its delivery queue) reach the app listening on a real port, and nothing in this test
 * signs or posts a delivery itself. Every effect is read from PostgreSQL, polled within bounds.
 */
describe('Clerk as the front door, through the emulator’s real webhooks', () => {
  let world: AuthWorld;
  const query = async (sql: string, values: unknown[]) => (await world.db.pool.query(sql, values)).rows;
  const rowOf = async (clerkUserId: string) => (await query('SELECT * FROM users WHERE clerk_user_id = $1', [clerkUserId]))[0];
  const rowById = async (userId: string) => (await query('SELECT * FROM users WHERE user_id = $1', [userId]))[0];
  const outcomesOf = async (clerkUserId: string) =>
    (
      await query(`SELECT type, outcome FROM clerk_webhook_events WHERE clerk_user_id = $1 AND applied_at IS NOT NULL ORDER BY id`, [
        clerkUserId,
      ])
    ).map((row) => `${row.type}:${row.outcome}`);
  /** Every delivery sent (or given up), then every stored event applied. */
  async function settled(): Promise<void> {
    await world.clerk.webhooksIdle(10_000);
    await eventually(
      async () => (await query('SELECT count(*)::int AS n FROM clerk_webhook_events WHERE applied_at IS NULL', []))[0].n,
      (pending) => pending === 0,
      10_000,
    );
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

  it('a sign-up at Clerk becomes a users row through user.created, before any request, and Clerk learns its user_id', async () => {
    const { email, session, row } = await signedUpPerson('Ada', 'Byron');

    expect(row).toMatchObject({ email, name: 'Ada Byron', role: 'user', password_hash: null });
    await settled();
    expect(await outcomesOf(session.userId)).toEqual(
      expect.arrayContaining(['user.created:provisioned', 'session.created:sign_in_recorded']),
    );
    const externalId = await eventually(
      async () => world.clerk.users().find((user) => user.id === session.userId)?.external_id,
      (value) => value === row.user_id,
    );
    expect(externalId).toBe(row.user_id);
    const me = await world.http().get('/users/me').set('Authorization', `Bearer ${session.token}`).expect(200);
    expect(me.body).toMatchObject({ userId: row.user_id, clerkUserId: session.userId, email });
    expect(await query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email])).toEqual([{ n: 1 }]);
  });

  it('a dashboard edit reaches the row through user.updated, audited with old and new values', async () => {
    const { session, row } = await signedUpPerson('Before', 'Edit');
    await settled();
    const email = newEmail();
    world.clerk.editUser(session.userId, { firstName: 'After', lastName: 'Edit', email, publicMetadata: { role: 'editor' } });
    await settled();

    expect(await rowById(row.user_id)).toMatchObject({ name: 'After Edit', email, role: 'editor', clerk_user_id: session.userId });
    const audit = await query(`SELECT details FROM audit_logs WHERE action = 'sync.user.updated' AND user_id = $1`, [row.user_id]);
    expect(audit.map((entry) => entry.details.changes)).toEqual([
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

  it('a user.updated the emulator dropped for good is repaired by POST /sync', async () => {
    const { session, row } = await signedUpPerson('Lost', 'Update');
    await settled();
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

  it('a delivery the emulator sent twice (one svix-id) is stored and applied once', async () => {
    const { session, row } = await signedUpPerson('Twice', 'Sent');
    await settled();
    world.clerk.injectWebhookFault('duplicate');
    world.clerk.editUser(session.userId, { firstName: 'Once', lastName: 'Applied' });
    await settled();
    const [delivery] = world.clerk
      .webhookDeliveries()
      .filter((d) => d.clerkUserId === session.userId && d.type === 'user.updated' && d.copies === 2);

    expect(delivery).toMatchObject({ status: 'delivered', copies: 2 });
    expect(await query('SELECT count(*)::int AS n FROM clerk_webhook_events WHERE svix_id = $1', [delivery.svixId])).toEqual([{ n: 1 }]);
    expect((await rowById(row.user_id)).name).toBe('Once Applied');
    const audit = await query(`SELECT details FROM audit_logs WHERE action = 'sync.user.updated' AND user_id = $1`, [row.user_id]);
    expect(audit).toHaveLength(1);
  });
});
