import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUser } from '../factories/user.factory.js';
import { signedInAdmin } from '../utils/auth.js';
import { waitFor } from '../utils/eventually.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

/** The value of one sample in a Prometheus text exposition, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

describe('operators’ view: metrics, request ids, OpenAPI', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const metrics = async () => (await http().get('/metrics').expect(200)).text;

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false });
    app = await createTestApp(db.url, { CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url, LEGACY_DUMMY_HASH_COST: '4' });
  });
  afterAll(async () => {
    await app.close();
    await clerk.stop();
    await db.drop();
  });

  it('serves Prometheus text without a token, with the process metrics', async () => {
    const response = await http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('# TYPE clerk_migrate_http_request_duration_seconds histogram');
    expect(response.text).toContain('# TYPE clerk_migrate_migration_users_total counter');
    expect(response.text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('counts logins by method and result', async () => {
    const user = await insertUser(db.pool);
    const linked = await insertUser(db.pool);
    const account = clerk.seedUser({ email: linked.email, externalId: linked.userId });
    await db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, linked.userId]);
    const before = await metrics();
    await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await http().post('/auth/login').send({ email: user.email, password: 'wrong' }).expect(401);
    await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${clerk.mintSessionToken({ sub: account.id })}` })
      .expect(200);
    await http()
      .get('/users/me')
      .set({ Authorization: `Bearer ${clerk.mintSessionToken({ sub: account.id, issuedAtOffsetSeconds: -600 })}` })
      .expect(401);
    const after = await metrics();
    for (const labels of [
      { method: 'legacy', result: 'success' },
      { method: 'legacy', result: 'failure' },
      { method: 'clerk', result: 'success' },
      { method: 'clerk', result: 'failure' },
    ]) {
      expect(sample(after, 'clerk_migrate_logins_total', labels) - sample(before, 'clerk_migrate_logins_total', labels)).toBe(1);
    }
  });

  it('times requests by route pattern, not by URL, those refused by the guard and unknown ones included', async () => {
    await http().get('/users/me').expect(401);
    await http().get(`/migration/runs/${crypto.randomUUID()}`).expect(401);
    await http().get('/no/such/route').expect(404);
    const text = await metrics();
    const count = (route: string, status: string) =>
      sample(text, 'clerk_migrate_http_request_duration_seconds_count', { method: 'GET', route, status });
    expect(count('/users/me', '401')).toBeGreaterThanOrEqual(1);
    expect(count('/migration/runs/:id', '401')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    expect(text).not.toContain('/no/such/route');
  });

  it('counts migrated users by outcome and Clerk requests by operation and status, 429s apart', async () => {
    await insertUser(db.pool);
    const { auth } = await signedInAdmin(app, db.pool);
    clerk.injectFault('rate_limit', 1, 'POST /v1/users', 0);
    const run = await http().post('/migration/runs').set(auth).send({}).expect(202);
    const finished = async () => (await http().get(`/migration/runs/${run.body.runId}`).set(auth).expect(200)).body.status !== 'running';
    await waitFor(`run ${run.body.runId} to finish`, finished, { timeoutMs: 5_000, intervalMs: 50 });
    const text = await metrics();
    expect(sample(text, 'clerk_migrate_migration_users_total', { outcome: 'created' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'clerk_migrate_clerk_requests_total', { operation: 'users.create', status: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'clerk_migrate_clerk_requests_total', { operation: 'users.list', status: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'clerk_migrate_clerk_requests_total', { operation: 'users.create', status: '429' })).toBe(1);
    expect(sample(text, 'clerk_migrate_clerk_rate_limited_total')).toBe(1);
    // Each attempt timed, the refused one included.
    expect(sample(text, 'clerk_migrate_clerk_request_duration_seconds_count', { operation: 'users.create' })).toBeGreaterThanOrEqual(2);
  });

  it('keeps the counts of each app to itself', async () => {
    const other = await createTestApp(db.url, { CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url });
    try {
      const text = (await request(other.getHttpServer()).get('/metrics').expect(200)).text;
      expect(sample(text, 'clerk_migrate_logins_total', { method: 'legacy', result: 'success' })).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('echoes a sane x-request-id and replaces any other', async () => {
    const kept = await http().get('/health/live').set('x-request-id', 'trace-abc.123').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-abc.123');
    const replaced = await http().get('/health/live').set('x-request-id', 'no spaces or "quotes" please').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await http().get('/health/live').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('documents every route at /docs-json with its auth scheme', async () => {
    const { body } = await http().get('/docs-json').expect(200);
    for (const path of ['/auth/login', '/users/me', '/migration/runs', '/audit', '/health/ready', '/metrics'])
      expect(Object.keys(body.paths)).toContain(path);
    // One bearer scheme per kind of caller; a route takes any of them.
    const schemes = ['clerkSession', 'legacyToken', 'clerkApiKey', 'clerkM2mToken'];
    for (const name of schemes) expect(body.components.securitySchemes[name]).toMatchObject({ type: 'http', scheme: 'bearer' });
    const anyOfThem = schemes.map((name) => ({ [name]: [] }));
    expect(body.paths['/users/me'].get.security).toEqual(anyOfThem);
    expect(body.paths['/migration/runs'].post.security).toEqual(anyOfThem);
    expect(body.paths['/auth/login'].post.security).toEqual([]);
    expect(body.paths['/metrics'].get.responses['200'].content).toHaveProperty('text/plain');
  });
});
