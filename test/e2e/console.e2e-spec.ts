import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildConsole } from '../../scripts/build.js';
import { ConsoleAssets } from '../../src/console/console-assets.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import type { INestApplication } from '@nestjs/common';
import { signedInAdmin, signedInUser } from '../utils/auth.js';

describe('GET /console over HTTP', () => {
  let db: TestDatabase;
  let assets: string;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    assets = mkdtempSync(join(tmpdir(), 'console-assets-'));
    buildConsole(assets);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
    rmSync(assets, { recursive: true, force: true });
  });

  async function app(env: Record<string, string> = {}): Promise<INestApplication> {
    // Set for every app of this file: the variables a test sets stay in process.env.
    const created = await createTestApp(db.url, { CONSOLE_ENABLED: undefined, ...env }, (builder) =>
      builder.overrideProvider(ConsoleAssets).useValue(new ConsoleAssets(assets)),
    );
    apps.push(created);
    return created;
  }

  it('serves the sign-in shell and the bundle under a CSP with nothing inline or from elsewhere', async () => {
    const server = (await app()).getHttpServer();
    const page = await request(server).get('/console').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('data-session="none"');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    const script = await request(server).get('/console/assets/console.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await request(server).get('/console/assets/console.js').set('If-None-Match', script.headers.etag).expect(304);
    // A session cookie on a navigation from another site: refused, as the API refuses it.
    const foreign = await request(server)
      .get('/console')
      .set('Cookie', '__session=anything')
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect(foreign.text).toContain('sent from another site');
    expect(foreign.text).not.toContain('<script');
    await request(server).get('/console/assets/console.css').expect(200).expect('Content-Type', 'text/css; charset=utf-8');
    const unknown = await request(server).get('/console/assets/..%2F..%2Fpackage.json').expect(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('is gone with CONSOLE_ENABLED=false: an unknown route, before any sign-in is asked for', async () => {
    const server = (await app({ CONSOLE_ENABLED: 'false' })).getHttpServer();
    const page = await request(server).get('/console').expect(404);
    expect(page.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /console', code: 'not_found' });
    await request(server).get('/console/assets/console.js').expect(404);
  });

  it('answers the console API to admins only: counts, activity per hour, a run export', async () => {
    const created = await app();
    const server = created.getHttpServer();
    const { auth } = await signedInAdmin(created, db.pool);
    const person = await signedInUser(created, db.pool);
    const refused = await request(server).get('/console/api/counts').set(person.auth).expect(403);
    expect(refused.body.code).toBe('forbidden');
    const counts = await request(server).get('/console/api/counts').set(auth).expect(200);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM users');
    expect(counts.body).toEqual({
      total: rows[0].n,
      withClerk: 0,
      withoutClerk: rows[0].n,
      withPassword: rows[0].n,
      signedInThroughClerk: 0,
      deletedAtClerk: 0,
    });
    const figures = await request(server).get('/console/api/figures').set(auth).expect(200);
    expect(figures.body).toEqual({ invitedNotSignedIn: 0, invalidByReason: {} });

    await expect(request(server).get('/console/api/lock').set(auth).expect(200)).resolves.toMatchObject({ body: { holders: [] } });

    const activity = await request(server).get('/console/api/activity?days=1').set(auth).expect(200);
    expect(activity.body.hours).toHaveLength(24);
    // The two logins above, in the current hour.
    expect(activity.body.series.legacySignIns.at(-1)).toBeGreaterThanOrEqual(2);
    expect((await request(server).get('/console/api/activity?days=15').set(auth).expect(400)).body.code).toBe('validation_failed');

    const missing = await request(server).get('/console/api/runs/00000000-0000-4000-8000-000000000000/export').set(auth).expect(404);
    expect(missing.body.code).toBe('run_not_found');
    await request(server).get('/console/api/runs/00000000-0000-4000-8000-000000000000/export?format=xml').set(auth).expect(400);
  });
});
