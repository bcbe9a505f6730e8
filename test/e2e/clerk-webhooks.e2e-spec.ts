import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MigrationService } from '../../src/migration/migration.service.js';
import { ClerkWebhookEventsRepository } from '../../src/sync/clerk-webhook-events.repository.js';
import { insertUser } from '../factories/user.factory.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { deliver, newWebhookSecret, signedDelivery, userData } from '../utils/clerk-webhooks.js';
import { eventually } from '../utils/eventually.js';
import { createTestApp, UNTHROTTLED_LOGINS } from '../utils/test-app.js';

let sequence = 0;
function newEmail(): string {
  sequence += 1;
  return `hook-${process.pid}-${sequence}-${Date.now()}@example.com`;
}

describe('POST /webhooks/clerk', () => {
  const secret = newWebhookSecret();
  let world: AuthWorld;
  const post = (url: string) => world.http().post(url);
  const rowOf = async (clerkUserId: string) =>
    (await world.db.pool.query('SELECT * FROM users WHERE clerk_user_id = $1', [clerkUserId])).rows[0];
  const rowById = async (userId: string) => (await world.db.pool.query('SELECT * FROM users WHERE user_id = $1', [userId])).rows[0];
  const applied = (svixId: string) =>
    eventually(
      async () =>
        (await world.db.pool.query('SELECT outcome FROM clerk_webhook_events WHERE svix_id = $1 AND applied_at IS NOT NULL', [svixId]))
          .rows[0],
      (row) => row !== undefined,
    );

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({
      CLERK_JWT_KEY: clerk.publicKeyPem,
      CLERK_RATE_LIMIT: '1000',
      CLERK_WEBHOOK_SIGNING_SECRET: secret,
      ...UNTHROTTLED_LOGINS,
    }));
  });
  afterAll(() => world.close());

  async function send(type: string, data: Record<string, unknown>, extra: { id?: string; timestamp?: number } = {}): Promise<string> {
    const { headers, body, id } = signedDelivery(secret, { type, data, ...extra });
    const answer = await post('/webhooks/clerk').set(headers).send(body);
    expect(answer.status).toBe(200);
    await applied(id);
    return id;
  }

  it('user.created provisions the person, and Clerk learns their user_id', async () => {
    const email = newEmail();
    const account = world.clerk.seedUser({ email, firstName: 'Ada', lastName: 'Lovelace' });
    const id = await send(
      'user.created',
      userData(world.clerk, account.id, { public_metadata: { role: 'editor' }, unsafe_metadata: { role: 'admin' } }),
    );
    expect(await applied(id)).toEqual({ outcome: 'provisioned' });
    const row = await rowOf(account.id);
    expect(row).toMatchObject({ email, name: 'Ada Lovelace', role: 'editor', password_hash: null });
    const externalId = await eventually(
      async () => world.clerk.users().find((user) => user.id === account.id)?.external_id,
      (value) => value === row.user_id,
    );
    expect(externalId).toBe(row.user_id);
  });

  it('stores of an event’s private metadata only the migrator’s ownership marker', async () => {
    const account = world.clerk.seedUser({ email: newEmail() });
    const privateMetadata = { migratedBy: 'someone-else', stripeCustomerSecret: 'cus_secret_value' };
    const id = await send('user.created', userData(world.clerk, account.id, { private_metadata: privateMetadata }));
    const { rows } = await world.db.pool.query('SELECT event::text AS event FROM clerk_webhook_events WHERE svix_id = $1', [id]);
    expect(rows[0].event).toContain('someone-else');
    expect(rows[0].event).not.toContain('cus_secret_value');
    expect(rows[0].event).not.toContain('stripeCustomerSecret');
  });

  it('the user.updated our own external_id update causes changes nothing', async () => {
    const account = world.clerk.seedUser({ email: newEmail() });
    await send('user.created', userData(world.clerk, account.id));
    const row = await rowOf(account.id);
    const externalId = await eventually(
      async () => world.clerk.users().find((user) => user.id === account.id)?.external_id,
      (value) => value === row.user_id,
    );
    expect(externalId).toBe(row.user_id);
    const patches = world.clerk.requestCounts()['PATCH /v1/users/{user_id}']?.['200'] ?? 0;
    const id = await send('user.updated', userData(world.clerk, account.id));
    expect(await applied(id)).toEqual({ outcome: 'unchanged' });
    expect(await rowOf(account.id)).toEqual(row);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(world.clerk.requestCounts()['PATCH /v1/users/{user_id}']?.['200'] ?? 0).toBe(patches);
  });

  it('user.updated makes the linked row follow email, name and public role, each change audited with old and new', async () => {
    const { local, clerkId } = await world.linkedClerkUser({ name: 'Old Name', role: 'user' });
    const email = newEmail();
    const data = userData(world.clerk, clerkId, {
      first_name: 'New',
      last_name: 'Name',
      public_metadata: { role: 'admin' },
      updated_at: Date.now() + 1000,
    });
    const primary = (data.email_addresses as { id: string; email_address: string }[])[0];
    primary.email_address = email;
    await send('user.updated', data);
    expect(await rowById(local.userId)).toMatchObject({ email, name: 'New Name', role: 'admin' });
    const audit = await world.db.pool.query(`SELECT details FROM audit_logs WHERE action = 'sync.user.updated' AND user_id = $1`, [
      local.userId,
    ]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].details.changes).toEqual({
      email: { old: local.email, new: email },
      name: { old: 'Old Name', new: 'New Name' },
      role: { old: 'user', new: 'admin' },
    });
  });

  it('an email another row holds is a recorded conflict, answered 200', async () => {
    const { local, clerkId } = await world.linkedClerkUser({ name: 'Grace Hopper' });
    const other = await insertUser(world.db.pool);
    const data = userData(world.clerk, clerkId, { first_name: 'Grace', last_name: 'Hopper', updated_at: Date.now() + 1000 });
    (data.email_addresses as { email_address: string }[])[0].email_address = other.email;
    const id = await send('user.updated', data);
    expect(await applied(id)).toEqual({ outcome: 'conflict' });
    expect((await rowById(local.userId)).email).toBe(local.email);
    const audit = await world.db.pool.query(
      `SELECT user_id, details FROM audit_logs WHERE action = 'sync.conflict' AND details->>'clerkUserId' = $1`,
      [clerkId],
    );
    expect(audit.rows).toEqual([{ user_id: other.userId, details: { clerkUserId: clerkId, reason: 'email_taken', email: other.email } }]);
  });

  it('applies a repeated svix-id once', async () => {
    const account = world.clerk.seedUser({ email: newEmail() });
    const delivery = signedDelivery(secret, { type: 'user.created', data: userData(world.clerk, account.id) });
    const first = await post('/webhooks/clerk').set(delivery.headers).send(delivery.body).expect(200);
    const again = await post('/webhooks/clerk').set(delivery.headers).send(delivery.body).expect(200);
    expect([first.body.duplicate, again.body.duplicate]).toEqual([false, true]);
    await applied(delivery.id);
    const events = await world.db.pool.query('SELECT count(*)::int AS n FROM clerk_webhook_events WHERE svix_id = $1', [delivery.id]);
    expect(events.rows[0].n).toBe(1);
    const audit = await world.db.pool.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'sync.user.provisioned' AND details->>'clerkUserId' = $1`,
      [account.id],
    );
    expect(audit.rows[0].n).toBe(1);
    const metrics = await world.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/clerk_migrate_webhook_events_total\{stage="received",type="user.created",outcome="duplicate"\} [1-9]/);
    expect(metrics.text).toMatch(/clerk_migrate_webhook_events_total\{stage="applied",type="user.created",outcome="provisioned"\} [1-9]/);
  });

  it('ignores an event older than the last one applied for the account (reordered deliveries)', async () => {
    const { local, clerkId } = await world.linkedClerkUser({ name: 'Start Name' });
    const base = Date.now();
    await send('user.updated', userData(world.clerk, clerkId, { first_name: 'Newer', last_name: 'Name', updated_at: base + 2000 }));
    const id = await send(
      'user.updated',
      userData(world.clerk, clerkId, { first_name: 'Older', last_name: 'Name', updated_at: base + 1000 }),
    );
    expect(await applied(id)).toEqual({ outcome: 'stale' });
    expect((await rowById(local.userId)).name).toBe('Newer Name');
  });

  it('refuses a wrong, missing or stale signature with 400 and writes nothing', async () => {
    const account = world.clerk.seedUser({ email: newEmail() });
    const data = userData(world.clerk, account.id);
    const before = (await world.db.pool.query('SELECT count(*)::int AS n FROM clerk_webhook_events')).rows[0].n;
    const wrong = await deliver(post, secret, { type: 'user.created', data, secret: newWebhookSecret() }).expect(400);
    expect(wrong.body.code).toBe('invalid_webhook_signature');
    const stale = await deliver(post, secret, { type: 'user.created', data, signedAt: new Date(Date.now() - 6 * 60_000) }).expect(400);
    expect(stale.body.code).toBe('invalid_webhook_signature');
    const unsigned = await post('/webhooks/clerk')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ type: 'user.created', data }))
      .expect(400);
    expect(unsigned.body).toMatchObject({ statusCode: 400, code: 'invalid_webhook_signature' });
    const { headers, body } = signedDelivery(secret, { type: 'user.created', data });
    await post('/webhooks/clerk').set(headers).send(body.replace('"user.created"', '"user.deleted"')).expect(400);
    expect((await world.db.pool.query('SELECT count(*)::int AS n FROM clerk_webhook_events')).rows[0].n).toBe(before);
    expect(await rowOf(account.id)).toBeUndefined();
  });

  it('is described in the OpenAPI document: public, signed, its answers', async () => {
    const docs = await world.http().get('/docs-json').expect(200);
    const operation = docs.body.paths['/webhooks/clerk'].post;
    expect(operation.security).toEqual([]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '503']));
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
      'svix-id',
      'svix-timestamp',
      'svix-signature',
    ]);
    expect(docs.body.components.schemas.ErrorCode.enum).toEqual(
      expect.arrayContaining(['webhooks_not_configured', 'invalid_webhook_signature']),
    );
  });

  it('forgets applied events after 30 days, keeping newer ones', async () => {
    const old = await send('organization.updated', { id: 'org_old', object: 'organization' });
    const recent = await send('organization.updated', { id: 'org_new', object: 'organization' });
    await world.db.pool.query(`UPDATE clerk_webhook_events SET applied_at = now() - interval '31 days' WHERE svix_id = $1`, [old]);
    await world.app.get(ClerkWebhookEventsRepository).prune(30, 1000);
    const left = await world.db.pool.query('SELECT svix_id FROM clerk_webhook_events WHERE svix_id = ANY($1)', [[old, recent]]);
    expect(left.rows).toEqual([{ svix_id: recent }]);
  });

  it('answers any other event type 200 and ignores it', async () => {
    const id = await send('organization.created', { id: 'org_1', object: 'organization' });
    expect(await applied(id)).toEqual({ outcome: 'ignored:event_type' });
  });

  it('session.created records a Clerk sign-in, which lets cleanup-passwords remove that hash', async () => {
    const { local, clerkId } = await world.linkedClerkUser();
    await send('session.created', { id: 'sess_1', object: 'session', user_id: clerkId, status: 'active' });
    const signIns = await world.db.pool.query('SELECT clerk_user_id FROM clerk_sign_ins WHERE user_id = $1', [local.userId]);
    expect(signIns.rows).toEqual([{ clerk_user_id: clerkId }]);
    await world.app.get(MigrationService).cleanupPasswords({ actor: 'test', confirm: true, dryRun: false });
    expect((await rowById(local.userId)).password_hash).toBeNull();
  });

  it('user.deleted keeps the row, clears the link, and the person is never migrated again nor let in by password', async () => {
    const { local, clerkId } = await world.linkedClerkUser();
    await send('user.deleted', { id: clerkId, object: 'user', deleted: true });
    const row = await rowById(local.userId);
    expect(row).toMatchObject({ email: local.email, clerk_user_id: null, password_hash: local.passwordHash });
    const marked = await world.db.pool.query('SELECT clerk_user_id, source FROM clerk_deleted_users WHERE user_id = $1', [local.userId]);
    expect(marked.rows).toEqual([{ clerk_user_id: clerkId, source: 'webhook' }]);

    const stats = await world.app.get(MigrationService).stats();
    expect(stats.deletedAtClerk).toBeGreaterThanOrEqual(1);
    const plan = await world.app.get(MigrationService).dryRun({ actor: 'test' });
    const planned = await world.db.pool.query('SELECT 1 FROM migration_items WHERE run_id = $1 AND user_id = $2', [
      plan.runId,
      local.userId,
    ]);
    expect(planned.rows).toEqual([]);
    // Named explicitly, they are skipped, not migrated.
    const single = await world.app.get(MigrationService).migrate({ actor: 'test', email: local.email });
    const item = await world.db.pool.query('SELECT action, reason FROM migration_items WHERE run_id = $1 AND user_id = $2', [
      single.id,
      local.userId,
    ]);
    expect(item.rows).toEqual([{ action: 'skip', reason: 'deleted_at_clerk' }]);
    expect((await rowById(local.userId)).clerk_user_id).toBeNull();

    const refused = await post('/auth/login').send({ email: local.email, password: local.password }).expect(401);
    const wrong = await post('/auth/login').send({ email: local.email, password: 'not-the-password' }).expect(401);
    expect(refused.body).toEqual(wrong.body);
  });

  it('lists the people deleted at Clerk to an operator', async () => {
    const { local, clerkId } = await world.linkedClerkUser();
    await send('user.deleted', { id: clerkId, object: 'user', deleted: true });
    const admin = await world.linkedClerkUser({ role: 'admin' });
    const page = await world.http().get('/sync/deleted-at-clerk?limit=500').set('Authorization', `Bearer ${admin.token}`).expect(200);
    expect(page.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: local.userId, clerkUserId: clerkId, email: local.email })]),
    );

    // Back on Clerk with a new account (a sign-up with their verified email linked them): no longer listed nor counted.
    const counted = async () =>
      (await world.http().get('/migration/stats').set('Authorization', `Bearer ${admin.token}`)).body.deletedAtClerk;
    const before = await counted();
    await world.db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [`user_again_${local.userId}`, local.userId]);
    const again = await world.http().get('/sync/deleted-at-clerk?limit=500').set('Authorization', `Bearer ${admin.token}`).expect(200);
    expect(again.body.items.map((item: { userId: string }) => item.userId)).not.toContain(local.userId);
    expect(await counted()).toBe(before - 1);
  });
});

describe('POST /webhooks/clerk without CLERK_WEBHOOK_SIGNING_SECRET', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await startAuthWorld({ CLERK_WEBHOOK_SIGNING_SECRET: undefined });
  });
  afterAll(() => world.close());

  it('answers 503 webhooks_not_configured (Clerk retries) and writes nothing', async () => {
    const answer = await deliver((url) => world.http().post(url), newWebhookSecret(), {
      type: 'user.created',
      data: { id: 'user_x' },
    }).expect(503);
    expect(answer.body).toMatchObject({ statusCode: 503, code: 'webhooks_not_configured' });
    expect((await world.db.pool.query('SELECT count(*)::int AS n FROM clerk_webhook_events')).rows[0].n).toBe(0);
  });

  it('needs no token: a session of someone else is not what authenticates a delivery', async () => {
    const second = await createTestApp(world.db.url, { CLERK_WEBHOOK_SIGNING_SECRET: undefined });
    try {
      await request(second.getHttpServer())
        .post('/webhooks/clerk')
        .set('Authorization', `Bearer ${world.clerk.mintSessionToken({ sub: 'user_x', azp: ORIGIN })}`)
        .expect(503);
    } finally {
      await second.close();
    }
  });
});
