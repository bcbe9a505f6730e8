import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { ClerkGateway } from '../../src/clerk/clerk.gateway.js';
import { startClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUser } from '../factories/user.factory.js';
import { insertRun } from '../utils/run-rows.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

/** Every sample of one metric in a Prometheus text exposition, by its labels as written. */
function samples(text: string, name: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match && match[1] === name) found[match[2] ?? ''] = Number(match[3]);
  }
  return found;
}

/** The sample names an exposition carries: each `# TYPE`, with a histogram's and a summary's series. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads: not its functions, labels, keywords or Grafana variables. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = [...bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]);
  return names.filter((name) => !PROMQL_WORDS.has(name.toLowerCase()));
}

/** Every `expr` of a Grafana dashboard, rows and nested panels included. */
function expressions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'expr' && typeof value === 'string' ? [value] : expressions(value)));
}

describe('gauges of the move, read from the database whichever process wrote it', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const scrape = async (target = app) => (await request(target.getHttpServer()).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { METRICS_CACHE_MS: '0' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('counts users on Clerk and legacy as the table holds them, changes made outside the app included', async () => {
    for (let i = 0; i < 3; i += 1) await insertUser(db.pool);
    const linked = await insertUser(db.pool, { clerkUserId: `user_gauge_${Date.now()}` });
    expect(samples(await scrape(), 'clerk_migrate_users')).toEqual({ 'state="on_clerk"': 1, 'state="legacy"': 3 });
    await db.pool.query('UPDATE users SET clerk_user_id = NULL WHERE user_id = $1', [linked.userId]);
    await db.pool.query(`UPDATE users SET clerk_user_id = 'user_' || user_id WHERE clerk_user_id IS NULL AND user_id <> $1`, [
      linked.userId,
    ]);
    expect(samples(await scrape(), 'clerk_migrate_users')).toEqual({ 'state="on_clerk"': 3, 'state="legacy"': 1 });
  });

  it('reports no run going and no last run before the first', async () => {
    const text = await scrape();
    expect(samples(text, 'clerk_migrate_run_in_progress')).toEqual({ '': 0 });
    expect(samples(text, 'clerk_migrate_last_run_timestamp_seconds')).toEqual({ '': 0 });
    expect(Object.values(samples(text, 'clerk_migrate_last_run_status'))).toEqual([0, 0, 0, 0, 0]);
  });

  it('tells a run in progress, and the last run’s end and outcome, from rows another process wrote', async () => {
    const ended = new Date('2026-11-30T03:00:07.000Z');
    await insertRun(db.pool, { status: 'completed', finishedAt: new Date('2026-11-29T03:00:00.000Z') });
    await insertRun(db.pool, { status: 'completed_with_errors', finishedAt: ended });
    // Neither a dry run nor a login trickle is the run an operator waits for; an `open` standing run is not in progress.
    await insertRun(db.pool, { kind: 'dry_run', dryRun: true, status: 'completed', finishedAt: new Date('2026-11-30T04:00:00.000Z') });
    await insertRun(db.pool, { kind: 'login', status: 'completed', finishedAt: new Date('2026-11-30T05:00:00.000Z') });
    await insertRun(db.pool, { kind: 'dry_run', dryRun: true, status: 'running', finishedAt: null });
    await insertRun(db.pool, { kind: 'login', status: 'open', finishedAt: null });
    let text = await scrape();
    expect(samples(text, 'clerk_migrate_run_in_progress')).toEqual({ '': 0 });
    expect(samples(text, 'clerk_migrate_last_run_timestamp_seconds')).toEqual({ '': ended.getTime() / 1000 });
    expect(samples(text, 'clerk_migrate_last_run_status')).toEqual({
      'status="completed"': 0,
      'status="completed_with_errors"': 1,
      'status="failed"': 0,
      'status="interrupted"': 0,
      'status="rolled_back"': 0,
    });
    const running = await insertRun(db.pool, { kind: 'sweep', status: 'running', finishedAt: null });
    expect(samples(await scrape(), 'clerk_migrate_run_in_progress')).toEqual({ '': 1 });
    await db.pool.query(`UPDATE migration_runs SET status = 'failed', finished_at = $2 WHERE id = $1`, [
      running,
      new Date('2026-11-30T06:00:00.000Z'),
    ]);
    text = await scrape();
    expect(samples(text, 'clerk_migrate_run_in_progress')).toEqual({ '': 0 });
    expect(samples(text, 'clerk_migrate_last_run_status')).toMatchObject({ 'status="failed"': 1, 'status="completed_with_errors"': 0 });
  });

  it('reports the same on every instance, and reuses one reading for METRICS_CACHE_MS', async () => {
    const other = await createTestApp(db.url, { METRICS_CACHE_MS: '600000' });
    try {
      const before = samples(await scrape(other), 'clerk_migrate_users');
      expect(before).toEqual(samples(await scrape(), 'clerk_migrate_users'));
      await insertUser(db.pool);
      expect(samples(await scrape(other), 'clerk_migrate_users')).toEqual(before);
      expect(samples(await scrape(), 'clerk_migrate_users')['state="legacy"']).toBe(before['state="legacy"'] + 1);
    } finally {
      await other.close();
    }
  });

  it('times every Clerk request in the latency histogram, by operation', async () => {
    expect(await scrape()).toContain('# TYPE clerk_migrate_clerk_request_duration_seconds histogram');
    const clerk = await startClerkEmulator({ rateLimit: false });
    const withClerk = await createTestApp(db.url, { METRICS_CACHE_MS: '0', CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: clerk.url });
    try {
      await withClerk.get(ClerkGateway).countUsers();
      const counts = samples(await scrape(withClerk), 'clerk_migrate_clerk_request_duration_seconds_count');
      expect(counts['operation="users.count"']).toBe(1);
    } finally {
      await withClerk.close();
      await clerk.stop();
    }
  });

  it('ships a Grafana dashboard whose every expression reads metrics this service exports', async () => {
    const dashboard = JSON.parse(await readFile('ops/grafana-dashboard.json', 'utf8'));
    const exprs = expressions(dashboard.panels);
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const exported = exportedNames(await scrape());
    const used = new Set(exprs.flatMap(metricNames));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    for (const name of [
      'clerk_migrate_users',
      'clerk_migrate_run_in_progress',
      'clerk_migrate_last_run_timestamp_seconds',
      'clerk_migrate_last_run_status',
      'clerk_migrate_clerk_request_duration_seconds_bucket',
    ]) {
      expect(used).toContain(name);
    }
  });

  it('reads metric names out of PromQL, and nothing else', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{route=~"/x.*"}[$__rate_interval])))')).toEqual([
      'a_bucket',
    ]);
    expect(metricNames('max(b{state="on_clerk"}) / (max(b) + max(c)) * 1000 > 0 and on (job) d offset 5m')).toEqual(['b', 'b', 'c', 'd']);
  });
});
