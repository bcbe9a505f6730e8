import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MigrationService } from '../../src/migration/migration.service.js';
import { SyncService } from '../../src/sync/sync.service.js';
import { insertUser } from '../factories/user.factory.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { eventually } from '../utils/clerk-webhooks.js';

let sequence = 0;
function newEmail(): string {
  sequence += 1;
  return `door-${process.pid}-${sequence}-${Date.now()}@example.com`;
}

/** The emulator's webhooks sent to the app, as Clerk's would be: every change at Clerk arrives here on its own. */
describe("Clerk as the front door, end to end through the emulator's webhooks", () => {
  let world: AuthWorld;
  const rowOf = async (clerkUserId: string) =>
    (await world.db.pool.query('SELECT * FROM users WHERE clerk_user_id = $1', [clerkUserId])).rows[0];
  const rowById = async (userId: string) => (await world.db.pool.query('SELECT * FROM users WHERE user_id = $1', [userId])).rows[0];
  /** Every delivery answered and every stored event applied, or waiting on purpose (a sign-in whose account is not linked yet). */
  async function settled(): Promise<void> {
    await world.clerk.webhooksIdle(10_000);
    await eventually(
      async () =>
        (
          await world.db.pool.query(
            'SELECT count(*)::int AS n FROM clerk_webhook_events WHERE applied_at IS NULL AND available_at <= now()',
          )
        ).rows[0].n,
      (n) => n === 0,
      10_000,
    );
  }

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({
      CLERK_JWT_KEY: clerk.publicKeyPem,
      CLERK_RATE_LIMIT: '1000',
      CLERK_WEBHOOK_SIGNING_SECRET: clerk.webhookSecret,
    }));
    await world.app.listen(0, '127.0.0.1');
    world.clerk.configureWebhooks({ url: `${await world.app.getUrl()}/webhooks/clerk`, retryDelaysMs: [50, 100, 200] });
  });
  afterAll(() => world.close());

  it('a sign-up arrives by user.created, gets one row, Clerk learns its user_id, and nothing loops', async () => {
    const email = newEmail();
    const signUp = world.clerk.signUp({
      email,
      firstName: 'Katherine',
      lastName: 'Johnson',
      publicMetadata: { role: 'editor' },
      unsafeMetadata: { role: 'admin' },
    });
    await settled();
    const row = await rowOf(signUp.userId);
    expect(row).toMatchObject({ email, name: 'Katherine Johnson', role: 'editor', password_hash: null });
    await eventually(
      async () => world.clerk.users().find((user) => user.id === signUp.userId)?.external_id,
      (value) => value === row.user_id,
    );
    await settled();
    const me = await world.http().get('/users/me').set('Authorization', `Bearer ${signUp.token}`).expect(200);
    expect(me.body.userId).toBe(row.user_id);
    // Our own external_id update came back as user.updated and changed nothing; session.created recorded the sign-in.
    const patches = world.clerk.requestCounts()['PATCH /v1/users/{user_id}']?.['200'] ?? 0;
    expect(patches).toBe(1);
    // The session.created may have come in while its user.created was being applied: it waits a second for it.
    const outcomes = await eventually(
      () => world.db.pool.query('SELECT type, outcome FROM clerk_webhook_events WHERE clerk_user_id = $1 ORDER BY id', [signUp.userId]),
      (result) => result.rows.every((row: { outcome: string | null }) => row.outcome !== null),
    );
    expect(outcomes.rows).toEqual(
      expect.arrayContaining([
        { type: 'user.created', outcome: 'provisioned' },
        { type: 'session.created', outcome: 'sign_in_recorded' },
        { type: 'user.updated', outcome: 'unchanged' },
      ]),
    );
    expect((await world.db.pool.query('SELECT count(*)::int AS n FROM users WHERE clerk_user_id = $1', [signUp.userId])).rows[0].n).toBe(1);
  });

  it("an edit in Clerk's dashboard reaches the row; a deletion keeps it and marks the person", async () => {
    const signUp = world.clerk.signUp({ email: newEmail() });
    await settled();
    const { user_id: userId } = await rowOf(signUp.userId);
    const email = newEmail();
    world.clerk.editUser(signUp.userId, { email, firstName: 'Dorothy', lastName: 'Vaughan', publicMetadata: { role: 'admin' } });
    await settled();
    expect(await rowById(userId)).toMatchObject({ email, name: 'Dorothy Vaughan', role: 'admin' });
    world.clerk.deleteUser(signUp.userId);
    await settled();
    expect(await rowById(userId)).toMatchObject({ email, clerk_user_id: null });
    expect((await world.db.pool.query('SELECT source FROM clerk_deleted_users WHERE user_id = $1', [userId])).rows).toEqual([
      { source: 'webhook' },
    ]);
  });

  it('duplicated and reordered deliveries are applied once and in order', async () => {
    const signUp = world.clerk.signUp({ email: newEmail() });
    await settled();
    const { user_id: userId } = await rowOf(signUp.userId);
    world.clerk.injectWebhookFault('duplicate', 1);
    world.clerk.editUser(signUp.userId, { firstName: 'First', lastName: 'Edit' });
    world.clerk.injectWebhookFault('reorder', 1);
    world.clerk.editUser(signUp.userId, { firstName: 'Second', lastName: 'Edit' });
    world.clerk.editUser(signUp.userId, { firstName: 'Third', lastName: 'Edit' });
    await settled();
    expect((await rowById(userId)).name).toBe('Third Edit');
    const audit = await world.db.pool.query(`SELECT details FROM audit_logs WHERE action = 'sync.user.updated' AND user_id = $1`, [userId]);
    expect(audit.rows.length).toBeLessThanOrEqual(3);
  });

  it('sync repairs what dropped deliveries lost: a created, an updated and a deleted', async () => {
    world.clerk.injectWebhookFault('drop', 1);
    const created = world.clerk.signUp({ email: newEmail() });
    await settled();
    const edited = world.clerk.signUp({ email: newEmail() });
    const gone = world.clerk.signUp({ email: newEmail() });
    await settled();
    world.clerk.injectWebhookFault('drop', 1);
    world.clerk.editUser(edited.userId, { firstName: 'Dropped', lastName: 'Update' });
    await settled();
    world.clerk.injectWebhookFault('drop', 1);
    world.clerk.deleteUser(gone.userId);
    await settled();
    const goneRow = await rowOf(gone.userId);
    const report = await world.app.get(SyncService).run({ actor: 'test' });
    expect(report.provisioned).toBeGreaterThanOrEqual(1);
    expect(report.updated).toBeGreaterThanOrEqual(1);
    expect(report.deletedAtClerk).toBe(1);
    expect(await rowOf(created.userId)).toBeDefined();
    expect((await rowOf(edited.userId)).name).toBe('Dropped Update');
    expect((await rowById(goneRow.user_id)).clerk_user_id).toBeNull();
  });

  it("a rollback's own deletions, delivered as user.deleted, change nothing: the people migrate again", async () => {
    const legacy = await insertUser(world.db.pool);
    const migration = world.app.get(MigrationService);
    const run = await migration.migrate({ actor: 'test', email: legacy.email });
    await settled();
    await migration.rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    await settled();
    expect((await world.db.pool.query('SELECT 1 FROM clerk_deleted_users WHERE user_id = $1', [legacy.userId])).rows).toEqual([]);
    expect((await rowById(legacy.userId)).clerk_user_id).toBeNull();
    const again = await migration.migrate({ actor: 'test', email: legacy.email });
    expect(again.counts).toMatchObject({ created: 1 });
    const { token } = await world.clerk.signIn(legacy.email, legacy.password!, ORIGIN);
    await world.http().get('/users/me').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
