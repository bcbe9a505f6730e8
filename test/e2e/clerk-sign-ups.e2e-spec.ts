import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { insertUser } from '../factories/user.factory.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';
import { createTestApp } from '../utils/test-app.js';
import { eventually } from '../utils/eventually.js';

/** Bounded polling: up to five seconds. */
let sequence = 0;
function newEmail(): string {
  sequence += 1;
  return `signup-${process.pid}-${sequence}-${Date.now()}@example.com`;
}

describe('people who signed up at Clerk', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({ CLERK_JWT_KEY: clerk.publicKeyPem, CLERK_RATE_LIMIT: '1000', DEFAULT_ROLE: 'member' }));
  });
  afterAll(() => world.close());

  function tokenOf(clerkUserId: string): string {
    return world.clerk.mintSessionToken({ sub: clerkUserId, azp: ORIGIN });
  }

  it('get a users row on their first request, and Clerk learns its user_id', async () => {
    const email = newEmail();
    const account = world.clerk.seedUser({ email, firstName: 'Grace', lastName: 'Hopper' });
    const me = await world
      .http()
      .get('/users/me')
      .set('Authorization', `Bearer ${tokenOf(account.id)}`)
      .expect(200);

    const { rows } = await world.db.pool.query('SELECT * FROM users WHERE clerk_user_id = $1', [account.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email, name: 'Grace Hopper', role: 'member', password_hash: null, user_id: me.body.userId });
    expect((rows[0].created_at as Date).getTime()).toBe(account.created_at);
    expect(me.body).toMatchObject({ userId: rows[0].user_id, clerkUserId: account.id, email });

    const externalId = await eventually(
      async () => world.clerk.users().find((user) => user.id === account.id)?.external_id,
      (value) => value === rows[0].user_id,
    );
    expect(externalId).toBe(rows[0].user_id);
    // Clerk answers before the owed update is forgotten: wait (bounded) for the forgetting too.
    const pending = await eventually(
      async () => (await world.db.pool.query('SELECT * FROM clerk_external_id_updates WHERE user_id = $1', [rows[0].user_id])).rows,
      (left) => left.length === 0,
    );
    expect(pending).toEqual([]);
  });

  it('named by their email when Clerk has no name', async () => {
    const email = newEmail();
    const account = world.clerk.seedUser({ email });
    const me = await world
      .http()
      .get('/users/me')
      .set('Authorization', `Bearer ${tokenOf(account.id)}`)
      .expect(200);
    expect(me.body.name).toBe(email.split('@')[0]);
  });

  it('make one row and one user_id from ten concurrent first requests over two instances', async () => {
    const second = await createTestApp(world.db.url, {
      CLERK_SECRET_KEY: world.clerk.secretKey,
      CLERK_API_URL: world.clerk.url,
      CLERK_JWT_KEY: world.clerk.publicKeyPem,
      CLERK_RATE_LIMIT: '1000',
    });
    try {
      const account = world.clerk.seedUser({ email: newEmail() });
      const apps: INestApplication[] = [world.app, second];
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(apps[i % 2].getHttpServer())
            .get('/users/me')
            .set('Authorization', `Bearer ${tokenOf(account.id)}`),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
      expect(new Set(answers.map((answer) => answer.body.userId)).size).toBe(1);
      const { rows } = await world.db.pool.query('SELECT user_id FROM users WHERE clerk_user_id = $1', [account.id]);
      expect(rows).toEqual([{ user_id: answers[0].body.userId }]);
    } finally {
      await second.close();
    }
  });

  it('are refused when their email belongs to another row: a recorded conflict and a 401, not a 500', async () => {
    const legacy = await insertUser(world.db.pool);
    const account = world.clerk.seedUser({ email: legacy.email });
    const answer = await world
      .http()
      .get('/users/me')
      .set('Authorization', `Bearer ${tokenOf(account.id)}`)
      .expect(401);
    expect(answer.body.code).toBe('clerk_user_not_linked');
    const { rows } = await world.db.pool.query(
      `SELECT details->>'reason' AS reason FROM audit_logs WHERE action = 'auth.clerk.rejected' AND details->>'clerkUserId' = $1`,
      [account.id],
    );
    expect(rows).toEqual([{ reason: 'email_conflict' }]);
    const count = await world.db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [legacy.email]);
    expect(count.rows[0].n).toBe(1);
  });

  it('are linked, not provisioned, when provably a legacy user (external_id)', async () => {
    const legacy = await insertUser(world.db.pool);
    const account = world.clerk.seedUser({ email: newEmail(), externalId: legacy.userId });
    const me = await world
      .http()
      .get('/users/me')
      .set('Authorization', `Bearer ${tokenOf(account.id)}`)
      .expect(200);
    expect(me.body.userId).toBe(legacy.userId);
  });
});

describe('CLERK_SIGN_UPS=refuse', () => {
  let world: AuthWorld;

  beforeAll(async () => {
    world = await startAuthWorld((clerk) => ({ CLERK_JWT_KEY: clerk.publicKeyPem, CLERK_SIGN_UPS: 'refuse' }));
  });
  afterAll(() => world.close());

  it('keeps the 401 for an account linked to nobody, and writes no row', async () => {
    const account = world.clerk.seedUser({ email: newEmail() });
    const token = world.clerk.mintSessionToken({ sub: account.id, azp: ORIGIN });
    const answer = await world.http().get('/users/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(answer.body.code).toBe('clerk_user_not_linked');
    const { rows } = await world.db.pool.query('SELECT 1 FROM users WHERE clerk_user_id = $1', [account.id]);
    expect(rows).toEqual([]);
  });
});
