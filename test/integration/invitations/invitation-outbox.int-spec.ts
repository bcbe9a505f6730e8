import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { signedInAdmin } from '../../utils/auth.js';
import { createTestApp, UNTHROTTLED_LOGINS } from '../../utils/test-app.js';
import { seedWorld, type SeedWorld } from '../../utils/seed-world.js';
import { scaledInvitations, TEST_TIME_SCALE } from '../../utils/invitations.js';
import { eventually } from '../../utils/eventually.js';

/** Clerk's hour divided by 1000, here and at the emulator. (Every test sets all four: the app's env outlives it.) */
const FAST = scaledInvitations(TEST_TIME_SCALE);
/** The sender off, at Clerk's own hour: the invitations stay queued. */
const NO_SENDER = { ...scaledInvitations(1), INVITATION_SENDER_ENABLED: 'false' };

/** Polls `read` until `done` holds of its value, for at most `ms`; returns the last value read. */
describe('the invitation outbox', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  const extraApps: INestApplication[] = [];
  const migration = () => world.app.get(MigrationService);
  const outbox = async () =>
    (await world.db.pool.query('SELECT user_id, email, status, attempts, clerk_invitation_id FROM invitation_outbox ORDER BY id')).rows;
  const invitationsAt = () => clerk.invitations();
  const stats = () => migration().stats();

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false, timeScale: TEST_TIME_SCALE });
  });
  afterEach(async () => {
    for (const app of extraApps.splice(0)) await app.close();
    await world?.close();
    clerk.reset();
  });
  afterAll(async () => clerk.stop());

  /** Every person of the outbox was invited exactly once at Clerk, with the invitation on record. */
  async function expectEachInvitedOnce(count: number): Promise<void> {
    const rows = await outbox();
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(count);
    const byEmail = new Map<string, number>();
    for (const invitation of invitationsAt()) byEmail.set(invitation.emailAddress, (byEmail.get(invitation.emailAddress) ?? 0) + 1);
    expect([...byEmail.values()].every((n) => n === 1)).toBe(true);
    const atClerk = new Map(invitationsAt().map((i) => [i.emailAddress, i.id]));
    for (const row of rows) expect(row.clerk_invitation_id).toBe(atClerk.get(row.email.toLowerCase()));
  }

  it('finishes an invite run with its creates and links, leaving the invitations queued with an ETA', async () => {
    world = await seedWorld(clerk, NO_SENDER, { legacyUsers: 12 });
    const run = await migration().migrate({ actor: 'test', strategy: 'invite' });

    expect(run).toMatchObject({ status: 'completed', counts: expect.objectContaining({ total: 12, created: 12 }) });
    expect((await stats()).withoutClerk).toBe(0);
    expect(invitationsAt()).toHaveLength(0);
    expect((await outbox()).map((row) => row.status)).toEqual(Array(12).fill('queued'));
    // The invitations window as another sender left it: full (98, Clerk's 100 less our margin) since ten minutes.
    await world.db.pool.query(
      `INSERT INTO clerk_request_budget (name, window_sends) VALUES ('invitations', array_fill(now() - interval '600 seconds', ARRAY[98]))`,
    );
    const queue = await migration().runInvitations(run.id);
    // Room comes when those 98 leave the hour (and our extra second), then all 12 go at once.
    expect(queue).toMatchObject({ queued: 12, sent: 0, failed: 0, revoked: 0, perHour: 98, senderRunning: false, etaSeconds: 3001 });
    expect((await stats()).invitations).toEqual({ queued: 12, sent: 0, failed: 0, revoked: 0 });

    const { auth } = await signedInAdmin(world.app, world.db.pool);
    const http = () => request(world.app.getHttpServer());
    const ofRun = await http().get(`/migration/runs/${run.id}/invitations`).set(auth).expect(200);
    expect(ofRun.body).toMatchObject({ queued: 12, etaSeconds: 3001, perHour: 98, senderRunning: false });
    expect((await http().get('/migration/invitations').set(auth).expect(200)).body).toMatchObject({ queued: 12 });
    expect((await http().get('/migration/stats').set(auth).expect(200)).body.invitations).toEqual({
      queued: 12,
      sent: 0,
      failed: 0,
      revoked: 0,
    });
  });

  it('says in the dry run how long the invitations will take, from the invitations window', async () => {
    world = await seedWorld(clerk, NO_SENDER, { legacyUsers: 5 });
    // An empty window: five go at once.
    expect((await migration().dryRun({ actor: 'test', strategy: 'invite' })).invitations).toEqual({
      planned: 5,
      etaSeconds: 0,
      perHour: 98,
    });
    // 95 sent a minute ago: 3 go at once, the other 2 when the first of those leave the hour.
    await world.db.pool.query(
      `INSERT INTO clerk_request_budget (name, window_sends) VALUES ('invitations', array_fill(now() - interval '60 seconds', ARRAY[95]))`,
    );
    expect((await migration().dryRun({ actor: 'test', strategy: 'invite' })).invitations).toEqual({
      planned: 5,
      etaSeconds: 3541,
      perHour: 98,
    });
  });

  it('sends a small batch at once, each person invited once, and shows it in /metrics', async () => {
    world = await seedWorld(clerk, FAST, { legacyUsers: 10 });
    await migration().migrate({ actor: 'test', strategy: 'invite' });
    const drained = await eventually(stats, (s) => s.invitations.sent === 10);
    expect(drained.invitations).toEqual({ queued: 0, sent: 10, failed: 0, revoked: 0 });
    await expectEachInvitedOnce(10);
    const metrics = await request(world.app.getHttpServer()).get('/metrics');
    expect(metrics.text).toMatch(/clerk_migrate_invitations\{state="sent"\} 10/);
  });

  it('pauses only the sender on a 429 for invitations: a login meanwhile is migrated at once', async () => {
    world = await seedWorld(clerk, { ...FAST, MIGRATION_ON_LOGIN: 'true', ...UNTHROTTLED_LOGINS }, { legacyUsers: 6 });
    clerk.injectFault('rate_limit', 1, 'POST /v1/invitations', 3600);
    const run = await migration().migrate({ actor: 'test', strategy: 'invite', limit: 5 });
    expect(run.counts).toMatchObject({ total: 5, created: 5 });
    const paused = await eventually(stats, (s) => s.invitationQueue.pausedReason !== null);
    expect(paused.invitationQueue.pausedReason).toMatch(/429/);
    expect(paused.invitations.queued).toBe(5);

    const [late] = world.legacy.slice(5);
    const login = await request(world.app.getHttpServer()).post('/auth/login').send({ email: late.email, password: late.password });
    expect(login.status).toBe(200);
    // The trickle migration follows the login's answer; it waits for nothing of the invitations'.
    const linkOf = async () => (await world.db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [late.userId])).rows[0];
    expect((await eventually(linkOf, (row) => row.clerk_user_id !== null)).clerk_user_id).toMatch(/^user_/);
    expect(invitationsAt()).toHaveLength(0);
    expect((await migration().runInvitations(run.id)).etaSeconds).toBeGreaterThan(3000);
  });

  it('sends each invitation once with two app instances running the sender', async () => {
    world = await seedWorld(clerk, { ...FAST, INVITATION_SENDER_ENABLED: 'false' }, { legacyUsers: 12 });
    await migration().migrate({ actor: 'test', strategy: 'invite' });
    const env = { CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url, CLERK_RATE_LIMIT: '1000', ...FAST };
    for (let i = 0; i < 2; i += 1) extraApps.push(await createTestApp(world.db.url, { ...env, INVITATION_SENDER_ENABLED: 'true' }));
    await eventually(stats, (s) => s.invitations.sent === 12);
    await expectEachInvitedOnce(12);
    const senders = await world.db.pool.query(
      `SELECT DISTINCT details->>'sender' AS sender FROM audit_logs WHERE action = 'migration.invitation.sent'`,
    );
    expect(senders.rows).toHaveLength(1);
  });

  it('neither loses nor doubles an invitation whose answer was lost, nor one whose sender died mid-send', async () => {
    world = await seedWorld(clerk, FAST, { legacyUsers: 6 });
    clerk.injectFault('lost_response', 2, 'POST /v1/invitations');
    await migration().migrate({ actor: 'test', strategy: 'invite', limit: 4 });
    await eventually(stats, (s) => s.invitations.sent === 4);
    await expectEachInvitedOnce(4);
    expect(clerk.requestCounts()['POST /v1/invitations']).toMatchObject({ lost_response: 2 });

    // A sender killed after Clerk took the invitation and before it wrote so: the row is left `sending`.
    const invited = new Set((await outbox()).map((row) => row.user_id));
    const crashed = world.legacy.find((user) => !invited.has(user.userId))!;
    const sent = await request(clerk.url)
      .post('/v1/invitations')
      .set('Authorization', `Bearer ${clerk.secretKey}`)
      .send({ email_address: crashed.email, ignore_existing: true });
    await world.db.pool.query(
      `INSERT INTO invitation_outbox (user_id, email, status, attempts, lease_until) VALUES ($1, $2, 'sending', 1, now() - interval '1 second')`,
      [crashed.userId, crashed.email],
    );
    await eventually(stats, (s) => s.invitations.sent === 5);
    await expectEachInvitedOnce(5);
    const row = await world.db.pool.query('SELECT clerk_invitation_id FROM invitation_outbox WHERE user_id = $1', [crashed.userId]);
    expect(row.rows[0].clerk_invitation_id).toBe(sent.body.id);
  });

  it('fails an invitation after repeated errors, and --resend-invites queues it again for the sender', async () => {
    world = await seedWorld(clerk, FAST, { legacyUsers: 1 });
    clerk.injectFault('error_5xx', 5, 'POST /v1/invitations');
    await migration().migrate({ actor: 'test', strategy: 'invite' });
    const failed = await eventually(stats, (s) => s.invitations.failed === 1);
    expect(failed.invitations).toEqual({ queued: 0, sent: 0, failed: 1, revoked: 0 });

    const resent = await migration().resendInvitations('test');
    expect(resent).toMatchObject({ requeued: 1, queue: { failed: 0 } });
    await eventually(stats, (s) => s.invitations.sent === 1);
    await expectEachInvitedOnce(1);
  });

  it('never queues again the failed invitation of a person a rollback took off Clerk', async () => {
    world = await seedWorld(clerk, FAST, { legacyUsers: 1 });
    clerk.injectFault('error_5xx', 5, 'POST /v1/invitations');
    const run = await migration().migrate({ actor: 'test', strategy: 'invite' });
    await eventually(stats, (s) => s.invitations.failed === 1);
    await migration().rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });

    expect(await migration().resendInvitations('test')).toMatchObject({ requeued: 0 });
    expect((await stats()).invitations.queued).toBe(0);
    expect(invitationsAt()).toEqual([]);
  });

  it('rolls back mid-drain: revokes the invitations sent, removes those still queued', async () => {
    // One an hour, at Clerk's own hour: the first goes at once, the others wait for room in the window.
    world = await seedWorld(clerk, { ...FAST, CLERK_LIMITS_TIME_SCALE: '1', CLERK_INVITATIONS_PER_HOUR: '1' }, { legacyUsers: 4 });
    const run = await migration().migrate({ actor: 'test', strategy: 'invite' });
    await eventually(stats, (s) => s.invitations.sent === 1);

    const report = await migration().rollback({ runId: run.id, actor: 'test', deleteClerkUsers: true, dryRun: false, confirm: true });

    expect(report).toMatchObject({ unlinked: 4, deletedFromClerk: 4, invitationsRevoked: 1, invitationsRemovedFromQueue: 3, failed: [] });
    expect(invitationsAt().map((i) => i.status)).toEqual(['revoked']);
    expect((await stats()).invitations).toEqual({ queued: 0, sent: 0, failed: 0, revoked: 1 });
    expect(await outbox()).toHaveLength(1);
  });
});
