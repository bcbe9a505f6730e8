import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { signedInUser } from '../utils/auth.js';
import { eventually } from '../utils/eventually.js';
import { seedWorld, type SeedWorld } from '../utils/seed-world.js';

describe('the migration over REST', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  let admin: { Authorization: string };
  const http = () => request(world.app.getHttpServer());

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
    world = await seedWorld(clerk, {}, { legacyUsers: 6 });
    const operator = world.legacy.find((u) => u.role === 'admin')!;
    const login = await http().post('/auth/login').send({ email: operator.email, password: operator.password }).expect(200);
    admin = { Authorization: `Bearer ${login.body.accessToken}` };
  });
  afterAll(async () => {
    await world.close();
    await clerk.stop();
  });

  function finished(runId: string): Promise<Record<string, any>> {
    return eventually(
      async () => (await http().get(`/migration/runs/${runId}`).set(admin).expect(200)).body,
      (body) => body.status !== 'running',
      { timeoutMs: 10_000, intervalMs: 50, what: `run ${runId} to finish` },
    );
  }

  async function operationEnded(statusUrl: string): Promise<Record<string, any>> {
    const operation = await eventually(
      async () => (await http().get(statusUrl).set(admin).expect(200)).body,
      (body) => body.status !== 'running',
    );
    expect(operation.status).toBe('completed');
    return operation;
  }

  it('is for admins only', async () => {
    await http().get('/migration/stats').expect(401);
    const { auth } = await signedInUser(world.app, world.db.pool);
    const refused = await http().post('/migration/runs').set(auth).send({}).expect(403);
    expect(refused.body.code).toBe('forbidden');
    expect((await http().get('/migration/stats').set(admin).expect(200)).body.withoutClerk).toBe(7);
  });

  it('plans without writing, and never returns a password digest', async () => {
    const plan = await http().post('/migration/dry-run').set(admin).send({}).expect(200);
    expect(plan.body.byAction).toEqual({ create: 7 });
    expect(JSON.stringify(plan.body)).not.toMatch(/\$2[aby]\$|passwordDigest/);
    expect(clerk.users()).toHaveLength(8);
  });

  it('starts a run with 202, refuses a second one meanwhile with 409, and reports its progress and outcome', async () => {
    clerk.setFaults({ latencyMs: 100 });
    const started = await http().post('/migration/runs').set(admin).send({ limit: 3 }).expect(202);
    expect(started.body).toMatchObject({ status: 'running', progressUrl: `/migration/runs/${started.body.runId}` });
    const busy = await http().post('/migration/runs').set(admin).send({}).expect(409);
    expect(busy.body.code).toBe('run_in_progress');
    clerk.setFaults({ latencyMs: 0 });
    const run = await finished(started.body.runId);
    expect(run).toMatchObject({ kind: 'all', status: 'completed', counts: { total: 3, created: 3 } });
    const runs = await http().get('/migration/runs').set(admin).expect(200);
    expect(runs.body.items.map((r: { id: string }) => r.id)).toContain(run.id);
    expect((await http().get(`/migration/runs/${run.id}/problems`).set(admin).expect(200)).body).toEqual([]);
  });

  it('verifies, rolls back on request, and insists on confirmation before removing hashes', async () => {
    const rest = await http().post('/migration/runs').set(admin).send({}).expect(202);
    const run = await finished(rest.body.runId);
    expect(run.counts).toMatchObject({ created: 4 });
    expect((await http().post('/migration/verify').set(admin).expect(200)).body).toMatchObject({ ok: true, linkedUsers: 15 });

    const preview = await http()
      .post(`/migration/runs/${run.id}/rollback`)
      .set(admin)
      .send({ deleteClerkUsers: true, dryRun: true })
      .expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, unlinked: 4, deletedFromClerk: 4 });
    const rollback = () => http().post(`/migration/runs/${run.id}/rollback`).set(admin);
    const unconfirmed = await rollback().send({ deleteClerkUsers: true }).expect(400);
    expect(unconfirmed.body).toMatchObject({ code: 'confirmation_required', message: expect.stringMatching(/confirm/) });
    const started = await rollback().send({ deleteClerkUsers: true, confirm: true }).expect(202);
    const undone = await operationEnded(started.body.statusUrl);
    expect(undone.report).toMatchObject({ unlinked: 4, deletedFromClerk: 4 });
    expect(undone.report).toMatchObject({ signedInSince: 0, keptWithoutPassword: 0, invitationsRevoked: 0 });
    expect((await http().get('/migration/stats').set(admin).expect(200)).body).toMatchObject({ withClerk: 11, withoutClerk: 4 });

    const cleanupUnconfirmed = await http().post('/migration/cleanup-passwords').set(admin).send({ confirm: false }).expect(400);
    expect(cleanupUnconfirmed.body.code).toBe('confirmation_required');
    await http().post('/migration/cleanup-passwords').set(admin).send({}).expect(400);
    await http().get('/migration/runs/not-a-uuid').set(admin).expect(400);
    const missing = await http().get('/migration/runs/7d4f8a2e-0000-4000-8000-000000000000').set(admin).expect(404);
    expect(missing.body.code).toBe('run_not_found');
  });
});
