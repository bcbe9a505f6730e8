import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { bcryptHash, insertUser } from '../factories/user.factory.js';
import { signedInUser } from '../utils/auth.js';
import { decodeJwtPart, hs256Jwt, tamperSignature, unsignedJwt } from '../utils/jwt.js';
import { createTestApp, TEST_ENV } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';

describe('authentication during the transition', () => {
  let world: AuthWorld;
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const http = () => world.http();
  const linkedClerkUser = (overrides: Parameters<typeof insertUser>[1] = {}) => world.linkedClerkUser(overrides);

  beforeAll(async () => {
    world = await startAuthWorld({ CLERK_AUTHORIZED_PARTIES: ORIGIN });
    ({ db, clerk, app } = world);
  });
  afterAll(() => world.close());

  it('signs a legacy user in with their password and shows them /users/me without the hash', async () => {
    const { user, auth } = await signedInUser(app, db.pool);
    const me = await http().get('/users/me').set(auth).expect(200);
    expect(me.body).toMatchObject({ userId: user.userId, email: user.email, hasPassword: true, clerkUserId: null });
    expect(JSON.stringify(me.body)).not.toMatch(/\$2[aby]\$/);
  });

  it.each(['$2a$', '$2b$', '$2y$'])('accepts bcrypt digests written as %s', async (prefix) => {
    const hash = prefix + bcryptHash('same old password').slice(4);
    const user = await insertUser(db.pool, { passwordHash: hash, password: null });
    await http().post('/auth/login').send({ email: user.email, password: 'same old password' }).expect(200);
  });

  it('answers a wrong password, an unknown email, a user without a hash and a broken hash with the same 401', async () => {
    const known = await insertUser(db.pool);
    const clerkOnly = await insertUser(db.pool, { password: null });
    const broken = await insertUser(db.pool, { passwordHash: '$2x$04$abcdefghijklmnopqrstuv', password: null });
    const answers = await Promise.all([
      http().post('/auth/login').send({ email: known.email, password: 'not it' }),
      http()
        .post('/auth/login')
        .send({ email: `nobody-${known.userId}@example.com`, password: 'whatever' }),
      http().post('/auth/login').send({ email: clerkOnly.email, password: 'whatever' }),
      http().post('/auth/login').send({ email: broken.email, password: 'whatever' }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(answers[0].body);
    }
    expect(answers[0].body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Email or password is incorrect',
      code: 'invalid_credentials',
    });
    const audit = await db.pool.query(
      `SELECT details->>'reason' AS reason FROM audit_logs WHERE action = 'auth.login.failed' AND user_id = $1`,
      [known.userId],
    );
    expect(audit.rows).toEqual([{ reason: 'wrong_password' }]);
  });

  it('gives a migrated person the same user_id through a Clerk session as through a legacy login', async () => {
    const { local, token } = await linkedClerkUser();
    const legacy = await http().post('/auth/login').send({ email: local.email, password: local.password }).expect(200);
    const viaLegacy = await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${legacy.body.accessToken}` })
      .expect(200);
    const viaClerk = await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect(viaClerk.body.userId).toBe(local.userId);
    expect(viaClerk.body).toEqual(viaLegacy.body);
    const cookie = await http().get('/users/me').set('Cookie', `__session=${token}`).expect(200);
    expect(cookie.body.userId).toBe(local.userId);
  });

  it('signs a person in with their old password at Clerk after the digest was imported', async () => {
    const { local } = await linkedClerkUser();
    const session = clerk.signIn(local.email, local.password!, ORIGIN);
    const me = await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${session.token}` })
      .expect(200);
    expect(me.body.userId).toBe(local.userId);
    const signIns = await db.pool.query('SELECT clerk_user_id FROM clerk_sign_ins WHERE user_id = $1', [local.userId]);
    expect(signIns.rows).toHaveLength(1);
    const firsts = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'auth.clerk.first_sign_in' AND user_id = $1`,
      [local.userId],
    );
    expect(firsts.rows[0].n).toBe(1);
  });

  it('links an unlinked local user on first Clerk sign-in when the Clerk account carries their user_id', async () => {
    const local = await insertUser(db.pool);
    const account = clerk.seedUser({ email: local.email, externalId: local.userId });
    const token = clerk.mintSessionToken({ sub: account.id, azp: ORIGIN });
    const me = await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect(me.body).toMatchObject({ userId: local.userId, clerkUserId: account.id });
    const linked = await db.pool.query(`SELECT details FROM audit_logs WHERE action = 'auth.clerk.linked' AND user_id = $1`, [
      local.userId,
    ]);
    expect(linked.rows).toEqual([{ details: { clerkUserId: account.id, matchedBy: 'external_id' } }]);
  });

  describe('refuses', () => {
    let valid: Awaited<ReturnType<typeof linkedClerkUser>>;
    beforeAll(async () => {
      valid = await linkedClerkUser();
    });

    const refused = async (token: string, code: string) => {
      const response = await http()
        .get('/users/me')
        .set({ Authorization: `Bearer ${token}` });
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code });
    };

    it('a request without a token', async () => {
      const response = await http().get('/users/me').expect(401);
      expect(response.body.code).toBe('missing_token');
    });
    it('an expired Clerk token', () =>
      refused(clerk.mintSessionToken({ sub: valid.clerkId, azp: ORIGIN, issuedAtOffsetSeconds: -600 }), 'token_expired'));
    it('a Clerk token not valid yet', () =>
      refused(clerk.mintSessionToken({ sub: valid.clerkId, azp: ORIGIN, issuedAtOffsetSeconds: 600 }), 'invalid_token'));
    it('a Clerk token with a bad signature', () => refused(tamperSignature(valid.token), 'invalid_token'));
    it('a token with alg none', () =>
      refused(unsignedJwt(decodeJwtPart(valid.token, 1), { kid: decodeJwtPart(valid.token, 0).kid }), 'invalid_token'));
    it('an HS256 token signed with the public key', () =>
      refused(hs256Jwt(decodeJwtPart(valid.token, 1), clerk.publicKeyPem, { kid: decodeJwtPart(valid.token, 0).kid }), 'invalid_token'));
    it('a Clerk token for another origin', () =>
      refused(clerk.mintSessionToken({ sub: valid.clerkId, azp: 'https://evil.example' }), 'invalid_token'));
    it('a Clerk token with an unknown key id', () =>
      refused(clerk.mintSessionToken({ sub: valid.clerkId, azp: ORIGIN, kid: 'ins_unknown' }), 'invalid_token'));
    it('a token from another Clerk instance', () =>
      refused(clerk.mintSessionToken({ sub: valid.clerkId, azp: ORIGIN, foreign: true }), 'invalid_token'));
    it('a Clerk token for an unlinked user with no matching external_id and no verified email to be provisioned with', async () => {
      const stranger = clerk.seedUser({ email: `stranger-${Date.now()}@example.com`, verified: false });
      await refused(clerk.mintSessionToken({ sub: stranger.id, azp: ORIGIN }), 'clerk_user_not_linked');
    });
    it('a legacy token with a wrong issuer, or our issuer and a wrong audience, even when signed with our secret', async () => {
      const { token } = await signedInUser(app, db.pool);
      await refused(hs256Jwt({ ...decodeJwtPart(token, 1), iss: 'someone-else' }, TEST_ENV.LEGACY_JWT_SECRET), 'invalid_token');
      await refused(hs256Jwt({ ...decodeJwtPart(token, 1), aud: 'another-api' }, TEST_ENV.LEGACY_JWT_SECRET), 'invalid_token');
      // The control: the same claims re-signed unchanged are accepted, so the two refusals above were the claims'.
      const me = await http()
        .get('/users/me')
        .set({ Authorization: `Bearer ${hs256Jwt(decodeJwtPart(token, 1), TEST_ENV.LEGACY_JWT_SECRET)}` });
      expect(me.status).toBe(200);
    });
    it('a legacy token after its expiry', async () => {
      const { token } = await signedInUser(app, db.pool);
      const claims = decodeJwtPart(token, 1) as { iat: number; exp: number; nbf: number };
      const stale = { ...claims, iat: claims.iat - 3600, nbf: claims.nbf - 3600, exp: claims.exp - 3600 };
      await refused(hs256Jwt(stale, TEST_ENV.LEGACY_JWT_SECRET), 'token_expired');
    });
    it('a non-admin on an admin route, with 403', async () => {
      const { auth } = await signedInUser(app, db.pool);
      const response = await http().get('/audit').set(auth).expect(403);
      expect(response.body.code).toBe('forbidden');
    });
  });

  it('throttles failed logins for one email from one address with 429 and Retry-After', async () => {
    const user = await insertUser(db.pool);
    for (let i = 0; i < 5; i += 1) await http().post('/auth/login').send({ email: user.email, password: 'guess' }).expect(401);
    const blocked = await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(429);
    expect(blocked.body.code).toBe('too_many_login_attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rejects a login body with unknown fields or a malformed email, naming the field', async () => {
    const extra = await http().post('/auth/login').send({ email: 'a@example.com', password: 'x', admin: true }).expect(400);
    expect(extra.body.message).toMatch(/admin/);
    const malformed = await http().post('/auth/login').send({ email: "' OR 1=1 --", password: 'x' }).expect(400);
    expect(malformed.body.message).toMatch(/email/);
  });
});

describe('with legacy auth switched off', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let legacyToken: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const before = await createTestApp(db.url, { LEGACY_DUMMY_HASH_COST: '4' });
    legacyToken = (await signedInUser(before, db.pool)).token;
    await before.close();
    app = await createTestApp(db.url, { LEGACY_AUTH_ENABLED: 'false', LEGACY_JWT_SECRET: TEST_ENV.LEGACY_JWT_SECRET });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('answers password logins with 410 pointing to Clerk, and refuses legacy tokens', async () => {
    const user = await insertUser(db.pool);
    const gone = await request(app.getHttpServer()).post('/auth/login').send({ email: user.email, password: user.password }).expect(410);
    expect(gone.body).toMatchObject({ code: 'legacy_auth_disabled', message: expect.stringMatching(/Clerk/) });
    const refused = await request(app.getHttpServer())
      .get('/users/me')
      .set({ Authorization: `Bearer ${legacyToken}` })
      .expect(401);
    expect(refused.body.code).toBe('legacy_auth_disabled');
  });
});
