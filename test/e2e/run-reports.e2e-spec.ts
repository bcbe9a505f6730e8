import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { insertUser, type TestUser } from '../factories/user.factory.js';
import { signedInAdmin } from '../utils/auth.js';
import { buildOnce, runCli } from '../utils/cli.js';
import { insertItems, insertRun } from '../utils/run-rows.js';
import { createTestApp, TEST_ENV } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

const ITEMS = 2500;
const FAILED = ITEMS / 10;
const COLUMNS = [
  'user_id',
  'email',
  'action',
  'outcome',
  'reason',
  'message',
  'clerk_user_id',
  'created_in_clerk',
  'invitation_status',
  'attempts',
  'updated_at',
  'rolled_back_at',
];

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('run reports: every item of a run, paged over REST and streamed by the CLI', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let admin: { Authorization: string };
  let runId: string;
  /** A real user with a bcrypt hash, whose item has an awkward email and message. */
  let odd: TestUser;
  const http = () => request(app.getHttpServer());
  const cli = (...args: string[]) =>
    runCli(args, { DATABASE_URL: db.url, LEGACY_JWT_SECRET: TEST_ENV.LEGACY_JWT_SECRET, MIGRATION_SCHEDULE_ENABLED: 'false' });

  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    ({ auth: admin } = await signedInAdmin(app, db.pool));
    runId = await insertRun(db.pool, {
      status: 'completed_with_errors',
      counts: { total: ITEMS + 1, created: ITEMS - FAILED, failed: FAILED + 1 },
    });
    await insertItems(db.pool, runId, ITEMS);
    odd = await insertUser(db.pool, { email: `"odd,one"+${Date.now()}@example.com` });
    await db.pool.query(
      `INSERT INTO migration_items (run_id, user_id, email, action, status, error_code, error_message, attempts)
       VALUES ($1, $2, $3, 'create', 'failed', 'form_param_format_invalid', $4, 3)`,
      [runId, odd.userId, odd.email, '=cmd|"said ""no""",\r\nthen stopped'],
    );
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('pages through every item with limit and offset, in a stable order, with the total', async () => {
    const seen = new Set<string>();
    for (let offset = 0; offset < ITEMS + 1; offset += 1000) {
      const page = await http().get(`/migration/runs/${runId}/items`).query({ limit: 1000, offset }).set(admin).expect(200);
      expect(page.body).toMatchObject({ total: ITEMS + 1, limit: 1000, offset });
      expect(page.body.items).toHaveLength(Math.min(1000, ITEMS + 1 - offset));
      for (const item of page.body.items) seen.add(item.userId);
    }
    expect(seen.size).toBe(ITEMS + 1);
    const first = await http().get(`/migration/runs/${runId}/items`).set(admin).expect(200);
    expect(first.body).toMatchObject({ limit: 100, offset: 0 });
    expect(first.body.items[0]).toEqual({
      userId: expect.any(String),
      email: `item-1-${runId}@example.com`,
      action: 'create',
      outcome: 'created',
      reason: 'bcrypt_digest',
      message: null,
      clerkUserId: 'user_1',
      createdInClerk: true,
      invitationStatus: null,
      attempts: 1,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      rolledBackAt: null,
    });
    const last = await http().get(`/migration/runs/${runId}/items`).query({ limit: 1, offset: ITEMS }).set(admin).expect(200);
    expect(last.body.items[0]).toMatchObject({ userId: odd.userId, outcome: 'failed', reason: 'form_param_format_invalid' });
  });

  it('counts a run still open from its items in the list too, as the run itself is counted', async () => {
    const openRun = await insertRun(db.pool, { kind: 'login', status: 'open', finishedAt: null });
    await insertItems(db.pool, openRun, 10);
    const listed = await http().get('/migration/runs').query({ limit: 100 }).set(admin).expect(200);
    const inList = listed.body.items.find((run: { id: string }) => run.id === openRun);
    const alone = await http().get(`/migration/runs/${openRun}`).set(admin).expect(200);
    expect(inList.counts).toEqual({ total: 10, created: 9, failed: 1 });
    expect(alone.body.counts).toEqual(inList.counts);
  });

  it('refuses bad paging, unknown runs and callers who are not admins', async () => {
    await http().get(`/migration/runs/${runId}/items`).query({ limit: 1001 }).set(admin).expect(400);
    await http().get(`/migration/runs/${runId}/items`).query({ offset: -1 }).set(admin).expect(400);
    const missing = await http().get('/migration/runs/7d4f8a2e-0000-4000-8000-000000000000/items').set(admin).expect(404);
    expect(missing.body.code).toBe('run_not_found');
    await http().get('/migration/runs/not-a-uuid/items').set(admin).expect(400);
    await http().get(`/migration/runs/${runId}/items`).expect(401);
  });

  it('pages the problems with offset too, past the 200 of one page', async () => {
    const pages: string[][] = [];
    for (let offset = 0; offset < FAILED + 1; offset += 200) {
      const page = await http().get(`/migration/runs/${runId}/problems`).query({ limit: 200, offset }).set(admin).expect(200);
      pages.push(page.body.map((problem: { userId: string; status: string }) => (expect(problem.status).toBe('failed'), problem.userId)));
    }
    expect(pages.map((page) => page.length)).toEqual([200, FAILED + 1 - 200]);
    expect(new Set(pages.flat()).size).toBe(FAILED + 1);
  });

  it('streams every item as CSV that a spreadsheet reads back, with no hash in it', async () => {
    const result = await cli('runs', runId, '--items', '--format', 'csv');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(odd.passwordHash!);
    expect(result.stdout).not.toMatch(/\$2[aby]\$/);
    const [header, ...rows] = parseCsv(result.stdout);
    expect(header).toEqual(COLUMNS);
    expect(rows).toHaveLength(ITEMS + 1);
    expect(new Set(rows.map((row) => row[0])).size).toBe(ITEMS + 1);
    expect(rows.filter((row) => row[3] === 'failed')).toHaveLength(FAILED + 1);
    const oddRow = rows.find((row) => row[0] === odd.userId)!;
    expect(oddRow.slice(1, 6)).toEqual([
      odd.email,
      'create',
      'failed',
      'form_param_format_invalid',
      `'=cmd|"said ""no""",\r\nthen stopped`,
    ]);
  });

  it('streams every item as JSON lines, the same fields under the same names', async () => {
    const result = await cli('runs', runId, '--items', '--format', 'jsonl');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(ITEMS + 1);
    for (const line of lines) expect(Object.keys(line)).toEqual(COLUMNS);
    expect(lines[9]).toMatchObject({
      email: `item-10-${runId}@example.com`,
      outcome: 'failed',
      reason: 'clerk_error',
      clerk_user_id: null,
      attempts: 1,
    });
    expect(lines[ITEMS]).toMatchObject({ user_id: odd.userId, email: odd.email, message: '=cmd|"said ""no""",\r\nthen stopped' });
  });

  it('shows a run’s problems page by page, and says where the rest are', async () => {
    const first = await cli('runs', runId, '--limit', '100', '--json');
    const second = await cli('runs', runId, '--limit', '100', '--offset', '100', '--json');
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.json.problems).toHaveLength(100);
    expect(second.json.problems).toHaveLength(100);
    const ids = [...first.json.problems, ...second.json.problems].map((p: { userId: string }) => p.userId);
    expect(new Set(ids).size).toBe(200);
    const human = await cli('runs', runId, '--limit', '100', '--offset', '200');
    expect(human.stdout).toContain(`problem users 201–251 of ${FAILED + 1}`);
    expect(human.stdout).toContain(`runs ${runId} --items --format csv`);
  });

  it('answers bad report options with exit code 2, and an unknown run with 1', async () => {
    expect((await cli('runs', '--items')).code).toBe(2);
    expect((await cli('runs', runId, '--items', '--format', 'xml')).code).toBe(2);
    expect((await cli('runs', runId, '--format', 'csv')).code).toBe(2);
    const missing = await cli('runs', '00000000-0000-4000-8000-000000000000', '--items');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/run_not_found/);
  });
});
