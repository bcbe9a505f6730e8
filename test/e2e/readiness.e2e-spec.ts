import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { eventually } from '../utils/eventually.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { TcpProxy, throughProxy } from '../utils/tcp-proxy.js';

describe('readiness follows the database', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    app = await createTestApp(throughProxy(db.url, proxy), { DATABASE_PING_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await app.close();
    await proxy.stop();
    await db.drop();
  });

  it('is 503 while the database is unreachable and 200 again once it is back, without a restart', async () => {
    await request(app.getHttpServer()).get('/health/ready').expect(200);

    proxy.cut();
    const down = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.database.status).toBe('down');
    await request(app.getHttpServer()).get('/health/live').expect(200);

    proxy.restore();
    const ready = async () => (await request(app.getHttpServer()).get('/health/ready')).status;
    expect(await eventually(ready, (status) => status === 200, { timeoutMs: 5_000, intervalMs: 250 })).toBe(200);
  });
});
