import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MigrationService } from '../../../src/migration/migration.service.js';
import { DEFAULT_LIVE_SECRET_KEY, startClerkEmulator, type ClerkEmulator } from '../../../tools/clerk-emulator/index.js';
import { UNSUPPORTED_HASHES } from '../../factories/password-vectors.js';
import { insertUsers, makeUser } from '../../factories/user.factory.js';
import { signedInAdmin } from '../../utils/auth.js';
import { drainedOutbox, scaledInvitations } from '../../utils/invitations.js';
import { createTestApp } from '../../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/** Every request the emulator answered, by route and status, summed. */
function answered(clerk: ClerkEmulator): number {
  return Object.values(clerk.requestCounts()).reduce((sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

describe('the console’s figures and a run’s Clerk requests, on real data', () => {
  let clerk: ClerkEmulator;
  let db: TestDatabase;
  let app: INestApplication;
  const migration = () => app.get(MigrationService);

  beforeAll(async () => {
    clerk = await startClerkEmulator({ rateLimit: false });
  });
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.close();
    await db.drop();
    clerk.reset();
  });
  afterAll(async () => clerk.stop());

  const boot = async (env: Record<string, string> = {}) => {
    app = await createTestApp(db.url, {
      CLERK_SECRET_KEY: DEFAULT_LIVE_SECRET_KEY,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '40',
      CLERK_RETRY_BASE_DELAY_MS: '10',
      CLERK_RETRY_MAX_DELAY_MS: '20',
      ...env,
    });
  };

  it('counts the 429s and retries of a run on the run, as REST shows them, beside its rate against the shared budget', async () => {
    await insertUsers(db.pool, [makeUser(), makeUser(), makeUser()]);
    await boot({ INVITATION_SENDER_ENABLED: 'false' });
    const { auth } = await signedInAdmin(app, db.pool);
    const before = answered(clerk);
    clerk.injectFault('rate_limit', 2, 'POST /v1/users', 1);
    clerk.injectFault('error_5xx', 1, 'POST /v1/users');

    const run = await migration().migrate({ actor: 'test' });
    expect(run.counts).toMatchObject({ total: 4, created: 4 });
    const sent = answered(clerk) - before;
    const { body } = await request(app.getHttpServer()).get(`/migration/runs/${run.id}`).set(auth).expect(200);
    expect(body.clerk).toEqual({
      requests: sent,
      rateLimited: 2,
      retries: 3,
      requestsPerSecond: expect.any(Number),
      budgetPerSecond: 40,
    });
    // The first count is the emulator's own: the run made every request it answered, nothing else did.
    expect(clerk.requestCounts()['POST /v1/users']).toMatchObject({ '429': 2 });
    expect(body.clerk.requestsPerSecond).toBeGreaterThan(0);
    expect(body.counts).toMatchObject({ total: 4, created: 4 });

    // A later run counts its own requests only.
    await insertUsers(db.pool, [makeUser()]);
    const second = await migration().migrate({ actor: 'test' });
    const again = await request(app.getHttpServer()).get(`/migration/runs/${second.id}`).set(auth).expect(200);
    expect(again.body.clerk).toMatchObject({ rateLimited: 0, retries: 0 });
    expect(again.body.clerk.requests).toBeGreaterThan(0);
    expect(again.body.clerk.requests).toBeLessThan(sent);
  });

  it('counts those invited and not yet signed in, and the legacy users reported invalid by the reason recorded', async () => {
    const [, , badEmail, invitedA, invitedB] = await insertUsers(db.pool, [
      makeUser({ passwordHash: UNSUPPORTED_HASHES[0].hash }),
      makeUser({ passwordHash: UNSUPPORTED_HASHES[1].hash }),
      makeUser({ email: `not-an-email-${Date.now()}` }),
      makeUser({ password: null }),
      makeUser({ password: null }),
    ]);
    await boot(scaledInvitations());
    const { auth } = await signedInAdmin(app, db.pool);
    const figures = async () => (await request(app.getHttpServer()).get('/console/api/figures').set(auth).expect(200)).body;

    await migration().migrate({ actor: 'test' });
    expect(await drainedOutbox(db.pool)).toEqual({ sent: 2 });
    expect(await figures()).toEqual({ invitedNotSignedIn: 2, invalidByReason: { unsupported_hash: 2, invalid_email: 1 } });

    // One invited person signs in at Clerk; the address is fixed and a run that retries the invalid moves that person.
    const { rows } = await db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [invitedA.userId]);
    await db.pool.query('INSERT INTO clerk_sign_ins (user_id, clerk_user_id) VALUES ($1, $2)', [invitedA.userId, rows[0].clerk_user_id]);
    await db.pool.query('UPDATE users SET email = $2 WHERE user_id = $1', [badEmail.userId, `fixed-${badEmail.userId}@example.com`]);
    await migration().migrate({ actor: 'test', retryInvalid: true });
    expect(await figures()).toEqual({ invitedNotSignedIn: 1, invalidByReason: { unsupported_hash: 2 } });
    expect(invitedB.userId).toBeDefined();

    // stats reads the console's counts in its one grouped pass, with the legacy users by password format.
    const counts = (await request(app.getHttpServer()).get('/console/api/counts').set(auth).expect(200)).body;
    const stats = await migration().stats();
    expect(stats).toMatchObject(counts);
    expect(stats.byPasswordFormat).toMatchObject({ unsupported: 2, none: 0, bcrypt: 0 });
  });
});
