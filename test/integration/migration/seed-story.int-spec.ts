import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { dependentRowCounts, seedWorld, type SeedWorld } from '../../utils/seed-world.js';

describe('the seed’s migration, end to end', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  let migration: MigrationService;
  let dependentsBefore: Record<string, number>;

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
    world = await seedWorld(clerk);
    migration = world.app.get(MigrationService);
    dependentsBefore = await dependentRowCounts(world.db);
  });
  afterAll(async () => {
    await world.close();
    await clerk.stop();
  });

  it('starts at 44 users, 8 on Clerk, 36 legacy with passwords', async () => {
    expect(await migration.stats()).toEqual({
      total: 44,
      withClerk: 8,
      withoutClerk: 36,
      withPassword: 36,
      signedInThroughClerk: 0,
      deletedAtClerk: 0,
      byPasswordFormat: expect.objectContaining({ bcrypt: 36, none: 0, unsupported: 0, argon2id: 0 }),
      invitations: { queued: 0, sent: 0, failed: 0, revoked: 0 },
      invitationQueue: expect.objectContaining({ etaSeconds: 0 }),
    });
  });

  it('plans 36 creations in a dry run with batched look-ups, writing nothing to Clerk or users', async () => {
    const before = clerk.requestCounts();
    const plan = await migration.dryRun({ actor: 'cli' });
    expect(plan.byAction).toEqual({ create: 36 });
    expect(plan.total).toBe(36);
    const after = clerk.requestCounts();
    expect(after['POST /v1/users']).toEqual(before['POST /v1/users']);
    const lookups =
      Object.values(after['GET /v1/users'] ?? {}).reduce((a, b) => a + b, 0) -
      Object.values(before['GET /v1/users'] ?? {}).reduce((a, b) => a + b, 0);
    expect(lookups).toBe(1);
    expect(clerk.users()).toHaveLength(8);
    expect((await migration.stats()).withClerk).toBe(8);
  });

  it('moves one user by email, then the other 35', async () => {
    const one = await migration.migrate({ actor: 'cli', email: 'TEST@example.com' });
    expect(one).toMatchObject({ kind: 'single', status: 'completed' });
    expect(one.counts).toMatchObject({ total: 1, created: 1 });
    const rest = await migration.migrate({ actor: 'cli' });
    expect(rest).toMatchObject({ kind: 'all', status: 'completed' });
    expect(rest.counts).toMatchObject({ total: 35, created: 35 });
    expect(await migration.stats()).toMatchObject({ total: 44, withClerk: 44, withoutClerk: 0 });
    expect(clerk.users()).toHaveLength(44);
  });

  it('lets every migrated person sign in at Clerk with their old password and reach their old user_id', async () => {
    for (const person of world.legacy) {
      const session = await clerk.signIn(person.email, person.password!);
      const me = await request(world.app.getHttpServer())
        .get('/users/me')
        .set({ Authorization: `Bearer ${session.token}` })
        .expect(200);
      expect(me.body.userId).toBe(person.userId);
    }
    expect((await migration.stats()).signedInThroughClerk).toBe(36);
  });

  it('keeps every dependent row, and verify finds every link sound', async () => {
    expect(await dependentRowCounts(world.db)).toEqual(dependentsBefore);
    const report = await migration.verify();
    expect(report).toMatchObject({ ok: true, linkedUsers: 44, verified: 44, problems: [] });
    expect(report.dependentRows).toMatchObject(dependentsBefore);
  });

  it('records the run, its items and an audit row per migrated user, with no secret in them', async () => {
    const audit = await world.db.pool.query(`SELECT action, details::text FROM audit_logs WHERE action LIKE 'migration.%'`);
    expect(audit.rows.filter((row) => row.action === 'migration.user.created')).toHaveLength(36);
    for (const row of audit.rows) expect(row.details).not.toMatch(/\$2[aby]\$|sk_(test|live)_|"password(_?digest)?":/i);
  });
});
