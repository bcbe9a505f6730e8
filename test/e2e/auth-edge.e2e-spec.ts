import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { bcryptHash, insertUser } from '../factories/user.factory.js';
import { signedInUser } from '../utils/auth.js';
import { MAIN_PATH } from '../utils/app-process.js';
import { buildOnce, collect, startNode } from '../utils/cli.js';
import { hs256Jwt } from '../utils/jwt.js';
import { createTestApp, TEST_ENV, UNTHROTTLED_LOGINS } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { ORIGIN, startAuthWorld, type AuthWorld } from '../utils/auth-world.js';

const EVIL = 'https://evil.example';
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('the auth edge, facing the open internet', () => {
  let world: AuthWorld;
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const http = () => world.http();
  const linkedClerkUser = () => world.linkedClerkUser();

  beforeAll(async () => {
    world = await startAuthWorld({ CLERK_AUTHORIZED_PARTIES: ORIGIN, CORS_ORIGINS: undefined });
    ({ db, clerk, app } = world);
  });
  afterAll(() => world.close());

  describe('answers malformed credentials with 401 and the usual body, never 500', () => {
    const legacyLooking = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'clerk-migrate' })}.c2ln`;
    const cases: [string, Record<string, string>][] = [
      ['a __session cookie with bad percent-encoding', { Cookie: '__session=%' }],
      ['a __session cookie with a cut-off escape', { Cookie: 'theme=dark; __session=%E0%A4%A' }],
      ['a cookie header that is all separators', { Cookie: '=; ;;=;__session' }],
      ['Bearer with no token', { Authorization: 'Bearer' }],
      ['Bearer followed by two tokens', { Authorization: 'Bearer a.b.c d.e.f' }],
      ['another scheme', { Authorization: 'Basic dXNlcjpwYXNz' }],
      ['a token of two parts', { Authorization: 'Bearer a.b' }],
      ['a token of four parts', { Authorization: 'Bearer a.b.c.d' }],
      ['a token of percent signs', { Authorization: 'Bearer %%%.%%%.%%%' }],
      ['a header that decodes to null', { Authorization: `Bearer ${b64('null')}.${b64('null')}.x` }],
      ['a key id that is an object', { Authorization: `Bearer ${b64({ alg: 'RS256', kid: { $ne: 1 } })}.${b64({ sub: 'x' })}.x` }],
      ['a legacy-looking token with a bad signature', { Authorization: `Bearer ${legacyLooking}` }],
      [
        'a legacy token whose expiry is a string',
        {
          Authorization: `Bearer ${hs256Jwt({ iss: 'clerk-migrate', aud: 'clerk-migrate-api', sub: 'x', exp: 'soon', nbf: 0 }, TEST_ENV.LEGACY_JWT_SECRET)}`,
        },
      ],
      ['a very long token', { Authorization: `Bearer ${'a'.repeat(8000)}` }],
    ];
    it.each(cases)('%s', async (_label, headers) => {
      const response = await http().get('/users/me').set(headers);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), code: expect.any(String) });
    });
  });

  describe('production defaults', () => {
    it('sends security headers on every answer and no X-Powered-By', async () => {
      for (const response of [await http().get('/health/live').expect(200), await http().get('/users/me').expect(401)]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
        expect(response.headers['x-powered-by']).toBeUndefined();
        expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
      }
    });

    it('serves the docs with a policy that lets a browser load them over plain HTTP', async () => {
      const docs = await http().get('/docs/').expect(200);
      expect(docs.text).toContain('swagger-ui');
      expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    });

    it('lets preflights from CORS_ORIGINS (by default CLERK_AUTHORIZED_PARTIES) through, and no other origin', async () => {
      const preflight = (origin: string) =>
        http()
          .options('/users/me')
          .set({ Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' });
      const allowed = await preflight(ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const foreign = await preflight(EVIL);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a request authenticated by the __session cookie from a foreign origin (CSRF), but not a bearer token', async () => {
      const { local, token } = await linkedClerkUser();
      const cookie = `__session=${token}`;
      const foreign = await http().get('/users/me').set({ Cookie: cookie, Origin: EVIL }).expect(403);
      expect(foreign.body.code).toBe('foreign_origin');
      const crossSite = await http().get('/users/me').set({ Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' }).expect(403);
      expect(crossSite.body.code).toBe('foreign_origin');
      // The controls: the same cookie from the front end's origin, or with no origin at all, and the
      // same token as a bearer header from anywhere (a browser never attaches that on its own).
      expect((await http().get('/users/me').set({ Cookie: cookie, Origin: ORIGIN }).expect(200)).body.userId).toBe(local.userId);
      await http().get('/users/me').set({ Cookie: cookie }).expect(200);
      await http()
        .get('/users/me')
        .set({ Authorization: `Bearer ${token}`, Origin: EVIL })
        .expect(200);
    });

    it('refuses to start with NODE_ENV=production and no CLERK_AUTHORIZED_PARTIES, naming it, with the set-up exit code 2', async () => {
      await buildOnce();
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        CLERK_SECRET_KEY: clerk.secretKey,
        CLERK_API_URL: clerk.url,
        LEGACY_JWT_SECRET: TEST_ENV.LEGACY_JWT_SECRET,
        MIGRATION_SCHEDULE_ENABLED: 'false',
        PORT: '0',
      };
      const refused = await runMain(env, 'never');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/CLERK_AUTHORIZED_PARTIES is required when NODE_ENV=production/);
      // The control: the same environment with the variable set starts and listens.
      const started = await runMain({ ...env, CLERK_AUTHORIZED_PARTIES: ORIGIN }, 'clerk-migrate listening');
      expect(started.stdout).toMatch(/clerk-migrate listening/);
    });
  });

  describe('no amplification', () => {
    it('costs Clerk and the database once per token of a Clerk account linked to nobody, with one audit row', async () => {
      // Unverified: a verified sign-up would be provisioned (CLERK_SIGN_UPS=provision), not refused.
      const stranger = clerk.seedUser({ email: `stranger-${Date.now()}@example.com`, verified: false });
      const lookups = () => clerk.requestCounts()['GET /v1/users/{user_id}']?.['200'] ?? 0;
      const before = lookups();
      const first = clerk.mintSessionToken({ sub: stranger.id, azp: ORIGIN });
      for (let i = 0; i < 5; i += 1) {
        const response = await http()
          .get('/users/me')
          .set({ Authorization: `Bearer ${first}` });
        expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'clerk_user_not_linked' });
      }
      expect(lookups() - before).toBe(1);
      // A new token of the same account is looked up once more, but adds no audit row.
      const second = clerk.mintSessionToken({ sub: stranger.id, azp: ORIGIN, issuedAtOffsetSeconds: -1 });
      for (let i = 0; i < 3; i += 1)
        await http()
          .get('/users/me')
          .set({ Authorization: `Bearer ${second}` })
          .expect(401);
      expect(lookups() - before).toBe(2);
      const audit = await db.pool.query(
        `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'auth.clerk.rejected' AND details->>'clerkUserId' = $1`,
        [stranger.id],
      );
      expect(audit.rows[0].n).toBe(1);
    });

    it('serves /users/me from the profile remembered with the principal: no query while the token is cached', async () => {
      const { user, auth } = await signedInUser(app, db.pool);
      expect((await http().get('/users/me').set(auth).expect(200)).body.name).toBe(user.name);
      await db.pool.query(`UPDATE users SET name = 'Renamed Meanwhile' WHERE user_id = $1`, [user.userId]);
      expect((await http().get('/users/me').set(auth).expect(200)).body.name).toBe(user.name);
      // The control: a new token reads the row again.
      const fresh = await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
      const me = await http()
        .get('/users/me')
        .set({ Authorization: `Bearer ${fresh.body.accessToken}` })
        .expect(200);
      expect(me.body.name).toBe('Renamed Meanwhile');
    });
  });
});

describe('bounded password checks', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, {
      LEGACY_BCRYPT_CONCURRENCY: '1',
      LOGIN_MAX_PENDING_CHECKS: '2',
      ...UNTHROTTLED_LOGINS,
    });
    await app.listen(0);
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('answers a flood of logins past the bound at once with 503 and Retry-After, while the health probe answers', async () => {
    const user = await insertUser(db.pool, { passwordHash: bcryptHash('the password', 12), password: 'the password' });
    const login = () => request(url).post('/auth/login').send({ email: user.email, password: 'the password' });
    // Sent now (supertest sends a request when it is awaited), so the probe meets the flood in flight.
    const flood = Promise.all(Array.from({ length: 12 }, () => login().then((answer) => answer)));
    const health = await request(url).get('/health/live');
    const answers = await flood;
    expect(health.status).toBe(200);
    const busy = answers.filter((answer) => answer.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const answer of busy) {
      expect(answer.body).toMatchObject({ statusCode: 503, code: 'overloaded' });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The control: what was admitted was checked, and the person got in.
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
  });
});

/** `node dist/src/main.js` until it exits, or until it prints `ready` (then it is stopped). */
async function runMain(env: Record<string, string>, ready: string) {
  const child = startNode(MAIN_PATH, [], env);
  child.stdout!.on('data', (chunk: Buffer) => {
    if (chunk.toString('utf8').includes(ready)) child.kill('SIGTERM');
  });
  return collect(child, ['main.js'], 30_000);
}
