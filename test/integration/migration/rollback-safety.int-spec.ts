import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditAction } from '../../../src/audit/audit-action.js';
import { MigrationService } from '../../../src/migration/migration.service.js';
import type { RollbackRequest } from '../../../src/migration/run-rollback.js';
import type { LegacyWorldUser } from '../../../tools/demo/legacy-world.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { waitFor } from '../../utils/eventually.js';
import { drainedOutbox, scaledInvitations } from '../../utils/invitations.js';
import { seedWorld, type SeedWorld } from '../../utils/seed-world.js';

describe('undo that never strands a person nor quietly undoes itself', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  const migration = () => world.app.get(MigrationService);
  const http = () => request(world.app.getHttpServer());
  const rollback = (runId: string, options: Partial<RollbackRequest> = {}) =>
    migration().rollback({ runId, actor: 'test', deleteClerkUsers: false, dryRun: false, confirm: true, ...options });

  /** A request to the API with a Clerk session, after signing in at Clerk with the person's old password; expects `status`. */
  const clerkRequest = async (user: LegacyWorldUser, status: number) => {
    const session = await clerk.signIn(user.email, user.password!);
    return http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${session.token}` })
      .expect(status);
  };
  const legacyLogin = (user: LegacyWorldUser) => http().post('/auth/login').send({ email: user.email, password: user.password });
  const linkOf = async (userId: string): Promise<string | null> =>
    (await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [userId])).rows[0].clerk_user_id;
  const itemsOf = async (userId: string) =>
    (
      await world.db.pool.query(
        'SELECT run_id, status, reason, created_in_clerk, invitation_status FROM migration_items WHERE user_id = $1 ORDER BY id',
        [userId],
      )
    ).rows;

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
  });
  afterEach(async () => {
    await world?.close();
    clerk.reset();
  });
  afterAll(async () => clerk.stop());

  it('after a clean-up, rollback with delete keeps whoever has no password left, and its preview told the cost', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 5 });
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ created: 5 });
    const [onClerk, alsoOnClerk] = world.legacy;
    for (const user of [onClerk, alsoOnClerk]) await clerkRequest(user, 200);
    expect(await migration().cleanupPasswords({ actor: 'test', confirm: true, dryRun: false })).toMatchObject({ removed: 2 });

    const expected = { unlinked: 3, deletedFromClerk: 3, signedInSince: 2, keptWithoutPassword: 2, invitationsRevoked: 0, leftAlone: 0 };
    const preview = await rollback(run.id, { deleteClerkUsers: true, dryRun: true, confirm: false });
    expect(preview).toMatchObject({ dryRun: true, ...expected });
    const byUserId = (a: { userId: string }, b: { userId: string }) => a.userId.localeCompare(b.userId);
    expect([...preview.kept].sort(byUserId)).toEqual(
      [onClerk, alsoOnClerk]
        .map((u) => ({ userId: u.userId, email: u.email, clerkUserId: expect.stringMatching(/^user_/) }))
        .sort(byUserId),
    );
    expect(clerk.users()).toHaveLength(13);

    const undone = await rollback(run.id, { deleteClerkUsers: true });
    expect(undone).toMatchObject({ dryRun: false, ...expected, failed: [] });

    // Nobody without a way in: a password hash, or a link to an account that exists.
    const accounts = new Set(clerk.users().map((account) => account.id));
    const { rows } = await world.db.pool.query('SELECT user_id, clerk_user_id, password_hash IS NOT NULL AS has_password FROM users');
    for (const row of rows) expect(row.has_password || accounts.has(row.clerk_user_id)).toBe(true);
    await clerkRequest(onClerk, 200);
    for (const user of world.legacy.slice(2)) await legacyLogin(user).expect(200);
    expect((await migration().getRun(run.id)).status).toBe('completed');
  });

  it('a rolled-back person is refused at Clerk and keeps their password; only an explicit run links them again, once', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 3 });
    const first = await migration().migrate({ actor: 'test' });
    const [person] = world.legacy;
    await clerkRequest(person, 200);
    expect(await rollback(first.id)).toMatchObject({ unlinked: 3, deletedFromClerk: 0, signedInSince: 1, failed: [] });

    const gets = () => clerk.requestCounts()['GET /v1/users/{user_id}']?.['200'] ?? 0;
    const before = gets();
    const refused = await clerkRequest(person, 401);
    expect(refused.body.code).toBe('clerk_user_not_linked');
    await clerkRequest(person, 401);
    expect(gets()).toBe(before);
    expect(await linkOf(person.userId)).toBeNull();
    const rejections = await world.db.pool.query(`SELECT details FROM audit_logs WHERE action = $1`, [AuditAction.ClerkSignInRejected]);
    // Refused twice, audited once: rejections of one account are recorded once per ten minutes.
    expect(rejections.rows.map((row) => row.details.reason)).toEqual(['rolled_back']);
    await legacyLogin(person).expect(200);

    const again = await migration().migrate({ actor: 'test', email: person.email });
    expect(again.counts).toMatchObject({ total: 1, linked: 1 });
    expect((await itemsOf(person.userId)).at(-1)).toMatchObject({ status: 'linked', reason: 'external_id' });
    expect(clerk.users().filter((account) => account.external_id === person.userId)).toHaveLength(1);
    expect(await migration().verify()).toMatchObject({ ok: true });
    const me = await clerkRequest(person, 200);
    expect(me.body.userId).toBe(person.userId);
  });

  it('revokes the pending invitations the run sent, keeping the one of a person without a password', async () => {
    world = await seedWorld(clerk, scaledInvitations(), { legacyUsers: 3 });
    const [, , passwordless] = world.legacy;
    await world.db.pool.query('UPDATE users SET password_hash = NULL WHERE user_id = $1', [passwordless.userId]);
    const run = await migration().migrate({ actor: 'test', strategy: 'invite' });
    expect(run.counts).toMatchObject({ created: 3 });
    expect(await drainedOutbox(world.db.pool)).toEqual({ sent: 3 });
    expect(clerk.invitations().filter((i) => i.status === 'pending')).toHaveLength(3);

    const preview = await rollback(run.id, { dryRun: true, confirm: false });
    expect(preview).toMatchObject({ invitationsRevoked: 2, keptWithoutPassword: 1, unlinked: 2 });
    const undone = await rollback(run.id, { deleteClerkUsers: true });
    expect(undone).toMatchObject({ invitationsRevoked: 2, keptWithoutPassword: 1, deletedFromClerk: 2, failed: [] });

    const byEmail = new Map(clerk.invitations().map((i) => [i.emailAddress, i.status]));
    expect(world.legacy.map((u) => byEmail.get(u.email))).toEqual(['revoked', 'revoked', 'pending']);
    expect((await itemsOf(passwordless.userId))[0]).toMatchObject({ status: 'created' });
    expect(await drainedOutbox(world.db.pool)).toEqual({ sent: 1, revoked: 2 });
    expect(await linkOf(passwordless.userId)).not.toBeNull();
  });

  it('deletes, in its creator’s rollback, an account whose create answer was lost and that a later run linked', async () => {
    world = await seedWorld(clerk, { CLERK_MAX_ATTEMPTS: '1' }, { legacyUsers: 2 });
    const [lost, other] = world.legacy;
    // The create lands but its answer is lost, and both look-ups around it read before the write shows.
    clerk.injectFault('stale_read', 2, 'GET /v1/users');
    clerk.injectFault('lost_response', 1, 'POST /v1/users');
    const creator = await migration().migrate({ actor: 'test', email: lost.email });
    expect(await itemsOf(lost.userId)).toEqual([expect.objectContaining({ status: 'failed', created_in_clerk: false })]);
    const account = clerk.users().find((u) => u.external_id === lost.userId)!;
    expect(account).toMatchObject({ external_id: lost.userId, private_metadata: { migratedBy: 'clerk-migrate', runId: creator.id } });

    const later = await migration().migrate({ actor: 'test' });
    expect(later.counts).toMatchObject({ linked: 1, created: 1 });
    expect(await linkOf(lost.userId)).toBe(account.id);
    const laterPreview = await rollback(later.id, { deleteClerkUsers: true, dryRun: true, confirm: false });
    expect(laterPreview).toMatchObject({ unlinked: 2, deletedFromClerk: 1 });

    expect(await rollback(creator.id, { deleteClerkUsers: true })).toMatchObject({ unlinked: 1, deletedFromClerk: 1, failed: [] });
    expect(clerk.users().map((u) => u.id)).not.toContain(account.id);
    expect(await linkOf(lost.userId)).toBeNull();
    expect((await itemsOf(lost.userId)).map((i) => i.status)).toEqual(['rolled_back', 'rolled_back']);

    expect(await rollback(later.id, { deleteClerkUsers: true })).toMatchObject({ unlinked: 1, deletedFromClerk: 1 });
    expect(clerk.users().filter((u) => u.external_id === other.userId || u.external_id === lost.userId)).toEqual([]);
  });

  it('never deletes an account that lacks the run’s marker, even one its records call created', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 2 });
    const [claimed] = world.legacy;
    const foreign = clerk.seedUser({ email: claimed.email });
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ linked: 1, created: 1 });
    await world.db.pool.query('UPDATE migration_items SET created_in_clerk = true WHERE user_id = $1', [claimed.userId]);

    expect(await rollback(run.id, { deleteClerkUsers: true })).toMatchObject({ unlinked: 2, deletedFromClerk: 1, notDeletedUnmarked: 1 });
    expect(clerk.users().map((u) => u.id)).toContain(foreign.id);
  });

  it('refuses a clean-up while a rollback runs, with 409, and a rollback that is not confirmed', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 6 });
    const run = await migration().migrate({ actor: 'test' });
    await expect(rollback(run.id, { confirm: false })).rejects.toMatchObject({ status: 400, code: 'confirmation_required' });

    clerk.setFaults({ latencyMs: 150 });
    const rolling = rollback(run.id, { deleteClerkUsers: true });
    const undoneSoFar = `SELECT count(*)::int AS n FROM migration_items WHERE run_id = $1 AND status = 'rolled_back'`;
    const started = async () => (await world.db.pool.query(undoneSoFar, [run.id])).rows[0].n > 0;
    await waitFor('the rollback to undo a first user', started, { timeoutMs: 20_000, intervalMs: 20 });
    const cleanup = () => migration().cleanupPasswords({ actor: 'test', confirm: true, dryRun: false });
    await expect(cleanup()).rejects.toMatchObject({ status: 409, code: 'run_in_progress' });
    expect(await rolling).toMatchObject({ unlinked: 6, deletedFromClerk: 6 });
    clerk.setFaults({ latencyMs: 0 });
    expect(await cleanup()).toMatchObject({ removed: 0 });
  });
});
