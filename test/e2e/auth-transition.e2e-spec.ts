import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUser } from '../factories/user.factory.js';
import { startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { eventually } from '../utils/eventually.js';
import type { TestDatabase } from '../utils/test-database.js';

describe('the transition', () => {
  let world: AuthWorld;
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    world = await startAuthWorld((emulator) => ({
      CLERK_JWT_KEY: emulator.publicKeyPem,
      CLERK_RATE_LIMIT: '1000',
      MIGRATION_ON_LOGIN: 'true',
    }));
    ({ db, clerk, app } = world);
  });
  afterAll(() => world.close());

  it('moves a person to Clerk right after their legacy login, and they then sign in at Clerk with the same password', async () => {
    const user = await insertUser(db.pool);
    await request(app.getHttpServer()).post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const linked = await eventually(
      async () =>
        (await db.pool.query('SELECT clerk_user_id FROM users WHERE user_id = $1', [user.userId])).rows[0].clerk_user_id as string | null,
      (value) => value !== null,
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(linked).toMatch(/^user_/);
    // Recorded as an item of the day's standing trickle run, which stays open for the day's other logins.
    const run = await db.pool.query(
      `SELECT r.kind, r.status, r.standing_key, i.status AS item FROM migration_runs r JOIN migration_items i ON i.run_id = r.id WHERE i.user_id = $1`,
      [user.userId],
    );
    expect(run.rows).toEqual([
      { kind: 'login', status: 'open', standing_key: `login:${new Date().toISOString().slice(0, 10)}`, item: 'created' },
    ]);

    const session = await clerk.signIn(user.email, user.password!);
    const me = await request(app.getHttpServer())
      .get('/users/me')
      .set({ Authorization: `Bearer ${session.token}` })
      .expect(200);
    expect(me.body).toMatchObject({ userId: user.userId, clerkUserId: linked });
  });

  it('verifies Clerk sessions without calling Clerk when CLERK_JWT_KEY is set', async () => {
    const user = await insertUser(db.pool);
    const account = clerk.seedUser({ email: user.email, externalId: user.userId });
    await db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, user.userId]);
    const before = clerk.requestCounts()['GET /v1/jwks'];
    const token = clerk.mintSessionToken({ sub: account.id });
    await request(app.getHttpServer())
      .get('/users/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect(clerk.requestCounts()['GET /v1/jwks']).toEqual(before);
  });
});
