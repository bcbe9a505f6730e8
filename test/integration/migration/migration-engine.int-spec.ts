import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { drainedOutbox, scaledInvitations } from '../../utils/invitations.js';
import { insertRun } from '../../utils/run-rows.js';
import { seedWorld, type SeedWorld } from '../../utils/seed-world.js';

/** Every Clerk account is linked to exactly one local user, and no external id appears twice. */
async function expectEveryoneOnClerkExactlyOnce(world: SeedWorld, clerk: ClerkEmulator): Promise<void> {
  const { rows } = await world.db.pool.query('SELECT user_id, clerk_user_id FROM users');
  expect(rows.every((row) => row.clerk_user_id !== null)).toBe(true);
  const accounts = clerk.users();
  expect(accounts).toHaveLength(rows.length);
  const externalIds = accounts.map((a) => a.external_id);
  expect(new Set(externalIds).size).toBe(externalIds.length);
  const linkOf = new Map(rows.map((row) => [row.user_id, row.clerk_user_id]));
  for (const account of accounts) expect(linkOf.get(account.external_id)).toBe(account.id);
}

describe('the migration engine', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  const migration = () => world.app.get(MigrationService);

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
  });
  afterEach(async () => {
    await world?.close();
    clerk.reset();
  });
  afterAll(async () => clerk.stop());

  it('survives creates whose answer was lost: nobody is created twice, everyone is linked', async () => {
    world = await seedWorld(clerk, { CLERK_RETRY_BASE_DELAY_MS: '1' }, { legacyUsers: 20 });
    clerk.injectFault('lost_response', 4, 'POST /v1/users');
    const run = await migration().migrate({ actor: 'test' });
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ total: 20, created: 20 });
    await expectEveryoneOnClerkExactlyOnce(world, clerk);
  });

  it('recovers after a crash between the Clerk call and the write, crediting the run that created the account', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 4 });
    const [landed, lost] = world.legacy;
    const crashedRunId = await insertRun(world.db.pool, { status: 'running', finishedAt: null });
    for (const user of [landed, lost]) {
      await world.db.pool.query(
        `INSERT INTO migration_items (run_id, user_id, email, action, status, attempts) VALUES ($1, $2, $3, 'create', 'creating', 1)`,
        [crashedRunId, user.userId, user.email],
      );
    }
    const account = clerk.seedUser({ email: landed.email, externalId: landed.userId });

    const run = await migration().migrate({ actor: 'test' });

    expect(run.counts).toMatchObject({ total: 3, created: 3 });
    await expectEveryoneOnClerkExactlyOnce(world, clerk);
    const old = await world.db.pool.query(
      'SELECT user_id, status, created_in_clerk, clerk_user_id FROM migration_items WHERE run_id = $1',
      [crashedRunId],
    );
    expect(old.rows).toEqual(
      expect.arrayContaining([
        { user_id: landed.userId, status: 'created', created_in_clerk: true, clerk_user_id: account.id },
        expect.objectContaining({ user_id: lost.userId, status: 'failed' }),
      ]),
    );
    expect((await migration().getRun(crashedRunId)).status).toBe('interrupted');
  });

  it('finishes every user against Clerk’s development limit, paced at 10 requests per second', async () => {
    clerk.setRateLimit({ live: null, test: { requests: 10, windowMs: 1000 } });
    world = await seedWorld(clerk, { CLERK_RATE_LIMIT: '10' }, { legacyUsers: 15 });
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ total: 15, created: 15 });
    expect(run.counts.failed).toBeUndefined();
    await expectEveryoneOnClerkExactlyOnce(world, clerk);
    clerk.setRateLimit(false);
  });

  it('rolls a run back, deleting only the accounts it created; a second rollback changes nothing', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 5 });
    const [, preExisting] = world.legacy;
    const existing = clerk.seedUser({ email: preExisting.email });
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ created: 4, linked: 1 });

    const preview = await migration().rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: true, confirm: false });
    expect(preview).toMatchObject({ unlinked: 5, deletedFromClerk: 4 });
    expect((await migration().stats()).withClerk).toBe(13);

    const undone = await migration().rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    expect(undone).toMatchObject({ unlinked: 5, deletedFromClerk: 4, failed: [] });
    expect(await migration().stats()).toMatchObject({ total: 13, withClerk: 8, withoutClerk: 5 });
    const remaining = clerk.users().map((u) => u.id);
    expect(remaining).toHaveLength(9);
    expect(remaining).toContain(existing.id);
    expect((await migration().getRun(run.id)).status).toBe('rolled_back');

    const again = await migration().rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });
    expect(again).toMatchObject({ unlinked: 0, deletedFromClerk: 0 });
  });

  it('links a verified existing account, skips an unverified one, and never creates a second', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 3 });
    const [verified, unverified] = world.legacy;
    const good = clerk.seedUser({ email: verified.email.toUpperCase() });
    clerk.seedUser({ email: unverified.email, verified: false });
    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ total: 3, linked: 1, skipped: 1, created: 1 });
    const linked = await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [verified.userId]);
    expect(linked.rows[0].clerk_user_id).toBe(good.id);
    expect(
      clerk.users().filter((u) => u.email_addresses.some((e: { email_address: string }) => e.email_address === unverified.email)),
    ).toHaveLength(1);
  });

  it('skips, and goes on, when the Clerk account a user would link is already held by another local user', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 4 });
    const [claimed, holderEmailTwin, ...rest] = world.legacy;
    // An account carrying `claimed`'s user_id that a sign-in by verified email gave to another user.
    const account = clerk.seedUser({ email: claimed.email, externalId: claimed.userId });
    await world.db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, holderEmailTwin.userId]);

    const run = await migration().migrate({ actor: 'test' });

    expect(run.status).not.toBe('failed');
    const item = await world.db.pool.query('SELECT status, reason, error_code FROM migration_items WHERE run_id = $1 AND user_id = $2', [
      run.id,
      claimed.userId,
    ]);
    expect(item.rows[0]).toMatchObject({ status: 'skipped', reason: 'clerk_account_linked_to_another_user' });
    const stillLegacy = await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [claimed.userId]);
    expect(stillLegacy.rows[0].clerk_user_id).toBeNull();
    const linkedRest = await world.db.pool.query('SELECT count(clerk_user_id)::int AS n FROM users WHERE user_id = ANY($1)', [
      rest.map((u) => u.userId),
    ]);
    expect(linkedRest.rows[0].n).toBe(2);
  });

  it('creates and links first under the invite strategy; a failed invitation is recorded and re-sent', async () => {
    world = await seedWorld(clerk, scaledInvitations(), { legacyUsers: 2 });
    // Five answers lost in a row: the sender gives that invitation up as failed.
    clerk.injectFault('error_5xx', 5, 'POST /v1/invitations');
    const run = await migration().migrate({ actor: 'test', strategy: 'invite' });
    expect(run.counts).toMatchObject({ total: 2, created: 2 });
    expect(await migration().stats()).toMatchObject({ withoutClerk: 0 });
    const items = await world.db.pool.query('SELECT invitation_status FROM migration_items WHERE run_id = $1', [run.id]);
    expect(items.rows.map((r) => r.invitation_status)).toEqual(['pending', 'pending']);
    expect(await drainedOutbox(world.db.pool)).toEqual({ failed: 1, sent: 1 });
    expect(clerk.users().filter((u) => u.password_enabled)).toHaveLength(0);

    expect(await migration().resendInvitations('test')).toMatchObject({ requeued: 1 });
    expect(await drainedOutbox(world.db.pool)).toEqual({ sent: 2 });
    expect(clerk.invitations()).toHaveLength(2);
  });

  it('stops at once, failing the run, when Clerk refuses the secret key', async () => {
    world = await seedWorld(clerk, { CLERK_SECRET_KEY: 'sk_test_wrongwrongwrong' }, { legacyUsers: 30 });
    const run = await migration().migrate({ actor: 'test' });
    expect(run).toMatchObject({ status: 'failed' });
    expect(run.errorMessage).toMatch(/secret key|unauthori/i);
    const attempted = await world.db.pool.query(`SELECT count(*)::int AS n FROM migration_items WHERE run_id = $1 AND attempts > 0`, [
      run.id,
    ]);
    expect(attempted.rows[0].n).toBe(0);
    expect((await migration().stats()).withoutClerk).toBe(30);
  });

  it('refuses a second run while one holds the lock, with 409', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 2 });
    clerk.setFaults({ latencyMs: 200 });
    const first = await migration().start({ actor: 'test' });
    // The refusal says what holds the lock, and since when, from the holder's lease.
    await expect(migration().start({ actor: 'test' })).rejects.toMatchObject({
      status: 409,
      code: 'run_in_progress',
      message: expect.stringMatching(/holds the migration lock \(migration run \(all\), since \d{4}-\d\d-\d\dT[\d:]+Z\)/),
    });
    await first.finished;
    clerk.setFaults({ latencyMs: 0 });
  });

  it('removes password hashes only of users who signed in through Clerk, and only when confirmed', async () => {
    world = await seedWorld(clerk, {}, { legacyUsers: 3 });
    await migration().migrate({ actor: 'test' });
    const [signedIn] = world.legacy;
    await world.db.pool.query(
      `INSERT INTO clerk_sign_ins (user_id, clerk_user_id) SELECT user_id, clerk_user_id FROM users WHERE user_id = $1`,
      [signedIn.userId],
    );
    await expect(migration().cleanupPasswords({ actor: 'test', confirm: false, dryRun: false })).rejects.toMatchObject({
      code: 'confirmation_required',
    });
    expect(await migration().cleanupPasswords({ actor: 'test', confirm: false, dryRun: true })).toMatchObject({
      removed: 1,
      waitingForClerkSignIn: 2,
    });
    expect(await migration().cleanupPasswords({ actor: 'test', confirm: true, dryRun: false })).toMatchObject({
      removed: 1,
      waitingForClerkSignIn: 2,
    });
    const hashes = await world.db.pool.query('SELECT user_id FROM users WHERE password_hash IS NOT NULL');
    expect(hashes.rows.map((r) => r.user_id).sort()).toEqual(
      world.legacy
        .slice(1)
        .map((u) => u.userId)
        .sort(),
    );
  });
});
