import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { AuditAction } from '../../src/audit/audit-action.js';
import { AuthErrorCode } from '../../src/auth/auth.error.js';
import { CommonErrorCode } from '../../src/common/app-error.js';
import { MigrationErrorCode } from '../../src/migration/migration.error.js';
import { buildOnce } from '../utils/cli.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

const run = promisify(execFile);
const ROOT = process.cwd();
/** Redocly CLI phones home unless told not to; tests reach nothing but loopback. */
const REDOCLY_ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** Everything wrong with one operation, as sentences; empty when it answers every question. */
function problemsOf(path: string, method: string, op: Operation): string[] {
  const problems: string[] = [];
  const statuses = Object.keys(op.responses);
  const has = (status: string) => statuses.includes(status);
  const schemaOf = (status: string) => Object.values(op.responses[status]?.content ?? {})[0]?.schema;
  if (!/^[a-z]+_[a-z][A-Za-z]+$/.test(op.operationId ?? '')) problems.push(`operation id "${op.operationId}" is not <controller>_<method>`);
  if (!op.summary) problems.push('no summary');
  if (!Array.isArray(op.security)) problems.push('no security requirement (public routes say [])');
  if (!statuses.some((s) => /^2\d\d$/.test(s) && schemaOf(s))) problems.push('no success answer with a schema');
  const errors = statuses.filter((s) => /^[45]\d\d$/.test(s));
  if (!errors.some((s) => s.startsWith('4'))) problems.push('no 4xx answer');
  for (const status of errors) {
    const schema = JSON.stringify(schemaOf(status) ?? null);
    const expected = path.startsWith('/health') && status === '503' ? 'HealthCheckDto' : 'ErrorBodyDto';
    if (!schema.includes(`#/components/schemas/${expected}`)) problems.push(`${status} does not carry ${expected}`);
  }
  const secured = (op.security ?? []).length > 0;
  if (secured && !has('401')) problems.push('secured but no 401');
  if (/^\/(migration|audit)/.test(path) && !has('403')) problems.push('admin route without 403');
  if (op.requestBody && !(has('400') && has('413'))) problems.push('reads a body but lacks 400 or 413');
  if ((op.parameters ?? []).some((p) => p.in === 'path') && !(has('400') && has('404'))) problems.push('path parameter but no 400 or 404');
  return problems.map((problem) => `${method.toUpperCase()} ${path}: ${problem}`);
}

describe('the OpenAPI document answers every question', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> }; servers: unknown[] };
  let workDir: string;

  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
    workDir = await mkdtemp(join(tmpdir(), 'clerk-migrate-openapi-'));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('documents, for every route, its success schema, its error answers with the error body, and its security', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(17);
    expect(operations.flatMap(({ path, method, op }) => problemsOf(path, method, op))).toEqual([]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['migration_startRun', 'migration_listRunItems', 'migration_listRunProblems', 'auth_login', 'audit_list']),
    );
  });

  it('finds a route the checks would refuse', () => {
    const bare: Operation = {
      operationId: 'x_y',
      summary: 's',
      responses: { '200': {} },
      requestBody: {},
      parameters: [{ in: 'path', name: 'id' }],
    };
    expect(problemsOf('/migration/runs/{id}', 'post', bare)).toEqual([
      'POST /migration/runs/{id}: operation id "x_y" is not <controller>_<method>',
      'POST /migration/runs/{id}: no security requirement (public routes say [])',
      'POST /migration/runs/{id}: no success answer with a schema',
      'POST /migration/runs/{id}: no 4xx answer',
      'POST /migration/runs/{id}: admin route without 403',
      'POST /migration/runs/{id}: reads a body but lacks 400 or 413',
      'POST /migration/runs/{id}: path parameter but no 400 or 404',
    ]);
  });

  it('names every error code and every audit action in enums, and describes the error body', () => {
    const codes = document.components.schemas.ErrorCode.enum;
    for (const code of [...Object.values(CommonErrorCode), ...Object.values(AuthErrorCode), ...Object.values(MigrationErrorCode)])
      expect(codes).toContain(code);
    expect(codes).toEqual(expect.arrayContaining(['clerk_not_configured', 'clerk_unauthorized', 'clerk_unavailable']));
    // The enum is built from the code's enums, so the check above only guards the builder; what a
    // reader is told, the codes each answer's description names, must be codes the API really sends.
    const named = new Set<string>();
    for (const methods of Object.values(document.paths) as Record<string, Operation>[])
      for (const op of Object.values(methods))
        for (const answer of Object.values(op.responses) as { description?: string }[])
          for (const [, list] of (answer.description ?? '').matchAll(/\(([^)]*)\)/g))
            for (const [word] of list.matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)) named.add(word);
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((code) => !codes.includes(code))).toEqual([]);
    expect([...document.components.schemas.AuditAction.enum].sort()).toEqual(Object.values(AuditAction).sort());
    expect([...document.components.schemas.ErrorBodyDto.required].sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    expect(document.paths['/auth/login'].post.security).toEqual([]);
    expect(document.servers).not.toEqual([]);
  });

  it('passes Redocly’s recommended lint with no error and no warning', async () => {
    const file = join(workDir, 'served.json');
    await writeFile(file, JSON.stringify(document));
    const result = await redoclyLint(file);
    expect(result.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(result.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('would hear from Redocly about an empty servers list and an operation without a 4xx', async () => {
    const broken = structuredClone(document);
    broken.servers = [];
    for (const status of ['400', '404']) delete broken.paths['/health/live'].get.responses[status];
    const file = join(workDir, 'broken.json');
    await writeFile(file, JSON.stringify(broken));
    const rules = (await redoclyLint(file)).problems.map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['no-empty-servers', 'operation-4xx-response']));
  });

  it('is what npm run lint:openapi writes without a database or a server', async () => {
    const file = join(workDir, 'written.json');
    await run(process.execPath, [resolve(ROOT, 'dist-tools/tools/openapi/write-openapi.js'), file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(document);
  });

  it('is switched off with DOCS_ENABLED=false', async () => {
    const off = await createTestApp(db.url, { DOCS_ENABLED: 'false' });
    try {
      await request(off.getHttpServer()).get('/docs-json').expect(404);
      await request(off.getHttpServer()).get('/docs').expect(404);
    } finally {
      await off.close();
      process.env.DOCS_ENABLED = 'true';
    }
  });
});

/** `redocly lint` as the script runs it, on a file, with the project's redocly.yaml; its JSON report. */
async function redoclyLint(file: string): Promise<{ totals: Record<string, number>; problems: { ruleId: string; message: string }[] }> {
  const cli = resolve(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', '--config', resolve(ROOT, 'redocly.yaml'), '--format', 'json', file];
  // Exit code 1 on errors: the report on stdout still says which.
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, env: REDOCLY_ENV, maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({
      stdout: error.stdout ?? '',
    }),
  );
  return JSON.parse(stdout);
}
