import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUser, type TestUser } from '../factories/user.factory.js';
import { signedInAdmin } from '../utils/auth.js';
import { UNTHROTTLED_LOGINS } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { userRowsExceptLink } from './support/bulk-users.js';
import { clerkEnv, closeAll, createWatchedApp } from './support/reliability-app.js';
import { SecretWitness } from './support/secret-witness.js';

const SQL = `x'); DROP TABLE users; --`;

describe('hostile HTTP requests', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  let admin: { Authorization: string };
  let victim: TestUser;
  const witness = new SecretWitness();
  const http = () => request(app.getHttpServer());
  let before: { users: Map<string, string>; runs: number };

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false });
    app = await createWatchedApp(
      db.url,
      {
        ...clerkEnv(clerk),
        ...UNTHROTTLED_LOGINS,
      },
      witness,
    );
    const signedIn = await signedInAdmin(app, db.pool);
    admin = signedIn.auth;
    victim = await insertUser(db.pool);
    witness.secret(
      signedIn.token,
      signedIn.user.password,
      signedIn.user.passwordHash,
      victim.password,
      victim.passwordHash,
      clerk.secretKey,
    );
    before = await snapshot();
  });
  afterAll(() => closeAll(app, clerk, db));

  async function snapshot() {
    const runs = (await db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n as number;
    return { users: await userRowsExceptLink(db.pool), runs };
  }

  const json = (path: string, body: string, auth: Record<string, string> = {}) =>
    http()
      .post(path)
      .set({ 'Content-Type': 'application/json', ...auth })
      .send(body);

  it('answers bodies that are not JSON with 400 invalid_json', async () => {
    for (const [path, auth] of [
      ['/auth/login', {}],
      ['/migration/runs', admin],
    ] as const) {
      for (const body of ['{"email": ', 'DROP TABLE users', '\u0000\u0001']) {
        const response = await json(path, body, auth);
        expect({ path, body, status: response.status, code: response.body.code }).toEqual({
          path,
          body,
          status: 400,
          code: 'invalid_json',
        });
      }
    }
  });

  it('answers bodies over the limit with 413, before reading them as credentials', async () => {
    const huge = JSON.stringify({ email: victim.email, password: 'p'.repeat(200_000) });
    const login = await json('/auth/login', huge);
    expect({ status: login.status, code: login.body.code }).toEqual({ status: 413, code: 'payload_too_large' });
    const run = await json('/migration/dry-run', JSON.stringify({ email: `${'e'.repeat(200_000)}@example.com` }), admin);
    expect(run.status).toBe(413);
  });

  it('refuses unknown fields, naming them', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['/migration/runs', { strategy: 'password', everyone: true }],
      ['/migration/dry-run', { limit: 5, where: '1=1' }],
      ['/migration/cleanup-passwords', { confirm: true, force: true }],
      ['/auth/login', { email: victim.email, password: victim.password, role: 'admin' }],
    ];
    for (const [path, body] of cases) {
      const response = await http().post(path).set(admin).send(body);
      const unknown = Object.keys(body).at(-1)!;
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'validation_failed' });
      expect(response.body.message).toContain(unknown);
    }
  });

  it('treats SQL in every string field as data', async () => {
    const login = await http().post('/auth/login').send({ email: SQL, password: SQL });
    expect(login.status).toBe(400);
    const quoted = await http()
      .post('/auth/login')
      .send({ email: `"${SQL}"@example.com`, password: `' OR '1'='1` });
    expect([400, 401]).toContain(quoted.status);
    const sqlPassword = await http().post('/auth/login').send({ email: victim.email, password: `' OR '1'='1' --` });
    expect(sqlPassword.status).toBe(401);
    const dryRun = await http()
      .post('/migration/dry-run')
      .set(admin)
      .send({ email: `${SQL}@example.com`, strategy: SQL });
    expect(dryRun.status).toBe(400);
    const oneUser = await http().post('/migration/dry-run').set(admin).send({ email: `o'brien--or-1=1@example.com` });
    expect({ status: oneUser.status, code: oneUser.body.code }).toEqual({ status: 404, code: 'user_not_found' });
    const audit = await http().get('/audit').set(admin).query({ action: `' OR '1'='1`, actor: SQL });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([]);
    const run = await http()
      .get(`/migration/runs/${encodeURIComponent(`1' OR '1'='1`)}`)
      .set(admin);
    expect(run.status).toBe(400);
  });

  it('refuses query parameters out of range, and takes the bounds themselves', async () => {
    const bad: [string, Record<string, string>][] = [
      ['/migration/runs', { limit: '0' }],
      ['/migration/runs', { limit: '201' }],
      ['/migration/runs', { limit: '-1' }],
      ['/migration/runs', { limit: 'abc' }],
      ['/migration/runs', { limit: '1.5' }],
      ['/migration/runs', { limit: '99999999999999999999' }],
      ['/migration/runs', { offset: '-1' }],
      ['/migration/runs', { offset: '10000001' }],
      ['/audit', { limit: '501' }],
      ['/audit', { from: 'last tuesday' }],
      ['/audit', { userId: 'not-a-uuid' }],
      ['/audit', { action: 'a'.repeat(101) }],
    ];
    for (const [path, query] of bad) {
      const response = await http().get(path).set(admin).query(query);
      expect({ path, query, status: response.status, code: response.body.code }).toEqual({
        path,
        query,
        status: 400,
        code: 'validation_failed',
      });
    }
    await http().get('/migration/runs').set(admin).query({ limit: '200', offset: '10000000' }).expect(200);
    await http().get('/audit').set(admin).query({ limit: '1', offset: '0' }).expect(200);
  });

  it('changed nothing: users, runs and the tables themselves are as they were', async () => {
    expect(await snapshot()).toEqual(before);
    await http().post('/auth/login').send({ email: victim.email, password: victim.password }).expect(200);
  });

  it('let no password, hash, token or key out in a response, log line or audit row', async () => {
    expect(await witness.leaks(db.pool)).toEqual([]);
  });
});
