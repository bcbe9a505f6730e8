import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { signedInAdmin } from '../utils/auth.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

describe('health, errors and the audit log over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let admin: { Authorization: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    admin = (await signedInAdmin(app, db.pool)).auth;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('answers liveness without I/O and readiness with the database and schema checks', async () => {
    const live = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, migrations: { status: 'up' } } });
  });

  it('answers an unknown route with 404 in the common error shape', async () => {
    const response = await request(app.getHttpServer()).get('/no/such/route').expect(404);
    expect(response.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: expect.stringContaining('/no/such/route'),
      code: 'not_found',
    });
  });

  it('filters and pages the audit log', async () => {
    const user = '8d0f8d44-1a3c-4ab7-9a53-1d6b3c2a1f00';
    await db.pool.query(
      `INSERT INTO audit_logs (user_id, actor, action, details, created_at) VALUES
        ($1, 'cli', 'migration.user.created', '{"runId":"r1"}', now() - interval '2 hours'),
        ($1, 'cli', 'migration.user.linked', '{}', now() - interval '1 hour'),
        (NULL, 'scheduler', 'migration.run.started', '{}', now())`,
      [user],
    );
    const byUser = await request(app.getHttpServer()).get('/audit').set(admin).query({ userId: user }).expect(200);
    expect(byUser.body.total).toBe(2);
    expect(byUser.body.items.map((item: { action: string }) => item.action)).toEqual(['migration.user.linked', 'migration.user.created']);

    const recent = await request(app.getHttpServer())
      .get('/audit')
      .set(admin)
      .query({ from: new Date(Date.now() - 90 * 60_000).toISOString(), action: 'migration.run.started', limit: 1 })
      .expect(200);
    expect(recent.body).toMatchObject({ total: 1, limit: 1, offset: 0 });
    expect(recent.body.items).toHaveLength(1);
    expect(recent.body.items[0].action).toBe('migration.run.started');

    const byAction = await request(app.getHttpServer()).get('/audit').set(admin).query({ action: 'migration.user.created' }).expect(200);
    expect(byAction.body.items).toEqual([expect.objectContaining({ userId: user, actor: 'cli', details: { runId: 'r1' } })]);
  });

  it('rejects out-of-range and unknown query parameters, naming the field', async () => {
    const response = await request(app.getHttpServer()).get('/audit').set(admin).query({ limit: 100000, colour: 'red' }).expect(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.message).toMatch(/limit/);
    expect(response.body.message).toMatch(/colour/);
    const badId = await request(app.getHttpServer()).get('/audit').set(admin).query({ userId: "1' OR 1=1 --" }).expect(400);
    expect(badId.body.message).toMatch(/userId/);
  });
});

describe('request bodies the API cannot read', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { HTTP_BODY_LIMIT: '1kb' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('answers a body that is not JSON with 400 and one too large with 413, in the common shape', async () => {
    const broken = await request(app.getHttpServer()).post('/audit').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(broken.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request body is not valid JSON', code: 'invalid_json' });
    const large = await request(app.getHttpServer())
      .post('/audit')
      .send({ padding: 'x'.repeat(4096) })
      .expect(413);
    expect(large.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
  });
});
