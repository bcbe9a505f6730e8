import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { MIGRATION_LOCK_KEY } from '../../src/locks/migration-lock.js';
import { SERVER_URL_ENV } from '../setup/test-server.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { buildOnce, runCli, type CliResult } from '../utils/cli.js';
import { seedWorld, type SeedWorld } from '../utils/seed-world.js';
import { createTestDatabase } from '../utils/test-database.js';

const SECRET = 'cli-test-legacy-secret-that-is-at-least-32-bytes';

/** Every command with the options its --help must mention. */
const HELP: Record<string, string[]> = {
  stats: ['--json'],
  migrate: ['--dry-run', '--email', '--strategy', '--limit', '--resend-invites', '--json'],
  runs: ['[id]', '--limit', '--json'],
  rollback: ['--run', '--delete-clerk-users', '--dry-run', '--yes', '--json'],
  'cleanup-passwords': ['--yes', '--dry-run', '--json'],
  verify: ['--json'],
  'db:migrate': ['--json'],
};

describe('the CLI, as a real process, through the seed’s story', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  let env: Record<string, string>;
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, env);
  const runIds: Record<string, string> = {};
  /** What `migrate --json` printed for a run. */
  const runs: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    await buildOnce();
    clerk = await startClerkEmulator({ rateLimit: false });
    world = await seedWorld(clerk);
    env = {
      DATABASE_URL: world.db.url,
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '1000',
      LEGACY_JWT_SECRET: SECRET,
      MIGRATION_SCHEDULE_ENABLED: 'false',
    };
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    await clerk?.stop();
  });

  it('refuses `npm run cli migrate --dry-run` without `--` (npm keeps the option) before anything runs', async () => {
    const runsBefore = await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs');
    const result = await runCli(['migrate', '--dry-run'], env, { throughNpm: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: npm took --dry-run for itself .*npm run cli -- migrate --dry-run .*\(invalid_argument\)\n$/);
    const runsAfter = await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs');
    expect(runsAfter.rows[0].n).toBe(runsBefore.rows[0].n);
  }, 120_000);

  it('explains itself: --help lists every command, and each command’s --help its options and an example', async () => {
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    // No command at all: the help, on stderr, exit code 2, and nothing else.
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: clerk-migrate');
    expect(bare.stderr).not.toMatch(/^error:/m);
    for (const command of Object.keys(HELP)) expect(root.stdout).toContain(command);
    expect(root.stdout).toContain('--version');
    for (const code of ['0  done', '1  done, but', '2  usage or configuration', '3  the database', '4  busy']) {
      expect(root.stdout).toContain(`\n  ${code}`);
    }
    for (const [command, options] of Object.entries(HELP)) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      for (const option of options) expect(help.stdout).toContain(option);
      expect(help.stdout).toContain(`$ clerk-migrate ${command}`);
    }
  });

  it('starts at 44 users, 8 on Clerk, 36 legacy', async () => {
    const stats = await cli('stats', '--json');
    expect(stats.code).toBe(0);
    expect(stats.json).toEqual({
      total: 44,
      withClerk: 8,
      withoutClerk: 36,
      withPassword: 36,
      signedInThroughClerk: 0,
      deletedAtClerk: 0,
      byPasswordFormat: expect.objectContaining({ bcrypt: 36 }),
      invitations: { queued: 0, sent: 0, failed: 0, revoked: 0 },
      invitationQueue: expect.objectContaining({ etaSeconds: 0, emptyBy: null, perHour: 98 }),
    });
    const human = await cli('stats');
    expect(human.stdout).toMatch(/total\s+44/);
    // Which database the numbers are from, without its password.
    const { hostname, port, pathname } = new URL(env.DATABASE_URL);
    expect(human.stdout).toMatch(new RegExp(`^database\\s+${hostname}:${port || '5432'}${pathname} \\(DATABASE_URL\\)$`, 'm'));
  });

  it('plans 36 creations in a dry run and writes nothing, nor prints a password digest', async () => {
    const plan = await cli('migrate', '--dry-run', '--json');
    expect(plan.code).toBe(0);
    expect(plan.json).toMatchObject({ total: 36, byAction: { create: 36 }, truncated: false });
    expect(plan.json.users).toHaveLength(36);
    expect(plan.stdout).not.toMatch(/\$2[aby]\$|passwordDigest/);
    expect(clerk.users()).toHaveLength(8);
    expect((await cli('stats', '--json')).json.withClerk).toBe(8);
    runIds.dryRun = plan.json.runId;
  });

  it('moves one user by email', async () => {
    const one = await cli('migrate', '--email', 'test@example.com', '--json');
    expect(one.code).toBe(0);
    expect(one.json).toMatchObject({ kind: 'single', status: 'completed', startedBy: 'cli', counts: { total: 1, created: 1 } });
    runIds.single = one.json.id;
  });

  it('moves the other 35, with progress on stderr and nothing but the run on stdout', async () => {
    const rest = await cli('migrate', '--json');
    expect(rest.code).toBe(0);
    runs.all = rest.json;
    expect(rest.json).toMatchObject({ kind: 'all', status: 'completed', counts: { total: 35, created: 35 } });
    expect(rest.stderr).toContain('progress: 35/35');
    runIds.all = rest.json.id;
    expect((await cli('stats', '--json')).json).toMatchObject({ total: 44, withClerk: 44, withoutClerk: 0 });
    expect(clerk.users()).toHaveLength(44);
  });

  it('verifies every link, and finds no one left to migrate', async () => {
    const verify = await cli('verify', '--json');
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, linkedUsers: 44, verified: 44, problems: [] });
    const again = await cli('migrate', '--email', 'test@example.com', '--json');
    expect(again.code).toBe(1);
    expect(again.json.error.code).toBe('already_on_clerk');
    // A plan of nobody says so, rather than printing tables with no rows.
    const nothing = await cli('migrate', '--dry-run');
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/: 0 legacy user\(s\) planned;.*\nEveryone is on Clerk or already reported/);
    expect(nothing.stdout).not.toMatch(/^action\b/m);
    // A real run of nobody says so too, exits 0, and records no run.
    const runsBefore = (await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n;
    const empty = await cli('migrate');
    expect({ code: empty.code, stderr: empty.stderr }).toEqual({ code: 0, stderr: '' });
    expect(empty.stdout).toMatch(/^Nobody is left to migrate: .*no run was recorded\.\n/);
    const emptyJson = await cli('migrate', '--json');
    expect(emptyJson.code).toBe(0);
    expect(emptyJson.json).toMatchObject({ id: null, runId: null, kind: 'all', status: 'nothing_to_migrate', counts: { total: 0 } });
    expect(Object.keys(emptyJson.json)).toEqual(expect.arrayContaining(Object.keys(runs.all)));
    expect((await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n).toBe(runsBefore);
  });

  it('lists the runs and shows one in detail', async () => {
    const list = await cli('runs', '--json');
    expect(list.code).toBe(0);
    const kinds = Object.fromEntries(list.json.items.map((run: { id: string; kind: string }) => [run.id, run.kind]));
    expect(kinds).toMatchObject({ [runIds.dryRun]: 'dry_run', [runIds.single]: 'single', [runIds.all]: 'all' });
    const one = await cli('runs', runIds.all, '--json');
    expect(one.json).toMatchObject({ id: runIds.all, status: 'completed', counts: { created: 35 } });
    // What the run asked of Clerk: a look-up (a list and its count) and 35 creates, nothing refused.
    expect(one.json.clerk).toMatchObject({ requests: 37, rateLimited: 0, retries: 0, budgetPerSecond: expect.any(Number) });
    const human = await cli('runs');
    expect(human.stdout).toContain(runIds.all);
    expect(human.stdout).toMatch(/^id +kind +status +started +started by +counts$/m);
    expect((await cli('runs', runIds.all)).stdout).toMatch(/^started by +cli$/m);
    expect((await cli('runs', runIds.all)).stdout).toMatch(
      /^clerk requests +37 \([\d.]+\/s of the shared [\d.]+\/s\), 0 answered 429, 0 retries$/m,
    );
    const missing = await cli('runs', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: No migration run with id .* \(run_not_found\)$/m);
  });

  it('refuses to roll back without --yes, and previews with --dry-run', async () => {
    const refused = await cli('rollback', '--run', runIds.all);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const preview = await cli('rollback', '--run', runIds.all, '--delete-clerk-users', '--dry-run', '--json');
    expect(preview.code).toBe(0);
    expect(preview.json).toMatchObject({ dryRun: true, unlinked: 35, deletedFromClerk: 35 });
    expect(preview.json).toMatchObject({ signedInSince: 0, keptWithoutPassword: 0, invitationsRevoked: 0 });
    expect((await cli('stats', '--json')).json.withClerk).toBe(44);
  });

  it('rolls both runs back with --delete-clerk-users, keeping the 8 accounts that existed before', async () => {
    // At a terminal, a bar (as migrate draws it) until the report; with --json, or into a pipe, nothing but the report.
    const atTerminal = await runCli(['rollback', '--run', runIds.all, '--delete-clerk-users', '--yes'], env, { atTerminal: true });
    expect(atTerminal.code).toBe(0);
    expect(atTerminal.stdout).toContain(`\r\x1b[2K[${'#'.repeat(24)}] 35/35  100%`);
    expect(atTerminal.stdout).toMatch(/Rolled back run [0-9a-f-]{36}\r\n/);
    const rollback = await cli('rollback', '--run', runIds.single, '--delete-clerk-users', '--yes', '--json');
    expect(rollback.code).toBe(0);
    expect(rollback.json.failed).toEqual([]);
    expect(rollback.stderr).toBe('');
    // Recorded as operations, for REST and the console to see.
    const operations = await world.db.pool.query(
      `SELECT run_id, kind, status, started_by, done, total, report->>'deletedFromClerk' AS deleted
         FROM migration_operations WHERE run_id = ANY($1) ORDER BY started_at`,
      [[runIds.all, runIds.single]],
    );
    expect(operations.rows).toEqual([
      { run_id: runIds.all, kind: 'rollback', status: 'completed', started_by: 'cli', done: 35, total: 35, deleted: '35' },
      { run_id: runIds.single, kind: 'rollback', status: 'completed', started_by: 'cli', done: 1, total: 1, deleted: '1' },
    ]);
    expect((await cli('stats', '--json')).json).toMatchObject({ total: 44, withClerk: 8, withoutClerk: 36 });
    const preExisting = world.users.filter((u) => u.clerkUserId !== null).map((u) => u.clerkUserId);
    expect(
      clerk
        .users()
        .map((u: { id: string }) => u.id)
        .sort(),
    ).toEqual(preExisting.sort());
  });

  it('asks for confirmation before removing password hashes, and removes none of users not signed in through Clerk', async () => {
    expect((await cli('cleanup-passwords')).code).toBe(2);
    const dry = await cli('cleanup-passwords', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ dryRun: true, removed: 0, notOnClerk: 36 });
  });

  it.each([
    [['migrate', '--strategy', 'teleport'], /--strategy must be one of password, invite/],
    [['migrate', '--limit', 'ten'], /--limit must be a whole number/],
    [['migrate', '--limit', '0'], /--limit must be a whole number/],
    [['migrate', '--email', 'not-an-email'], /--email must be an email address/],
    [['runs', 'run-42'], /run id must be a UUID/],
    [['rollback', '--run', '42', '--yes'], /--run must be a UUID/],
    [['rollback', '--yes'], /--run <id> is required/],
    [['migrate', '--resend-invites', '--limit', '3'], /--resend-invites takes no other/],
    [['migrate', '--frobnicate'], /unknown option '--frobnicate'/],
    [['teleport'], /unknown command 'teleport'/],
  ])('rejects bad input %j with exit code 2 and a message', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    // One shape for every bad input, the parser's own included: `error: <message> (<code>)`.
    expect(result.stderr).toMatch(/^error: .+ \([a-z_]+\)\n$/);
    expect(result.stdout).toBe('');
    const json = await cli(...args, '--json');
    expect(json.code).toBe(2);
    expect(json.json.error.message).toMatch(message);
  });

  it('stops a run Clerk refuses with a clear message and a non-zero exit code', async () => {
    const refused = await runCli(['migrate'], { ...env, CLERK_SECRET_KEY: 'sk_test_not_the_right_key' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^error: .*(secret key|unauthori[sz]ed|rejected).* \(\w+\)$/im);
    expect(refused.stderr).not.toContain('sk_test_not_the_right_key');
    expect(refused.stderr).toContain(`(Clerk at ${clerk.url} (CLERK_API_URL), sk_test_ key)`);
    const json = await runCli(['migrate', '--json'], { ...env, CLERK_SECRET_KEY: 'sk_test_not_the_right_key' });
    expect(json.code).not.toBe(0);
    expect(json.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) }, status: 'failed' });
    expect((await cli('stats', '--json')).json.withClerk).toBe(8);
  });

  it('names the Clerk it cannot reach, and the kind of key, never the key', async () => {
    const unreachable = await runCli(['migrate', '--dry-run'], { ...env, CLERK_API_URL: 'http://127.0.0.1:9', CLERK_MAX_ATTEMPTS: '1' });
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toMatch(/^error: .*\(Clerk at http:\/\/127\.0\.0\.1:9 \(CLERK_API_URL\), sk_test_ key\).*$/m);
    expect(unreachable.stderr).not.toContain(clerk.secretKey);
  });

  it('answers busy (exit 4, nothing done) while another process holds the migration lock', async () => {
    const holder = await world.db.pool.connect();
    try {
      // The lock, taken as another instance's run would hold it.
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const before = (await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n;
      const busy = await cli('migrate');
      expect(busy.code).toBe(4);
      expect(busy.stderr).toMatch(/^error: Another migration run, rollback or clean-up holds the migration lock.* \(run_in_progress\)\n$/);
      expect((await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n).toBe(before);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      holder.release();
    }
  });

  it('closes a dry run that Clerk refused as failed, never leaving it running', async () => {
    const refused = await runCli(['migrate', '--dry-run', '--json'], { ...env, CLERK_SECRET_KEY: 'sk_test_not_the_right_key' });
    expect(refused.code).toBe(1);
    const runs = await world.db.pool.query(`SELECT status, error_code FROM migration_runs WHERE dry_run ORDER BY started_at DESC LIMIT 1`);
    expect(runs.rows[0]).toEqual({ status: 'failed', error_code: 'clerk_unauthorized' });
  });

  it('calls a missing CLERK_SECRET_KEY a configuration problem: exit 2, and no run recorded', async () => {
    const before = (await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n;
    for (const args of [['migrate', '--dry-run'], ['migrate'], ['verify']]) {
      const result = await runCli([...args, '--json'], { ...env, CLERK_SECRET_KEY: undefined });
      expect({ args, code: result.code, error: result.json?.error?.code }).toEqual({ args, code: 2, error: 'clerk_not_configured' });
    }
    expect((await world.db.pool.query('SELECT count(*)::int AS n FROM migration_runs')).rows[0].n).toBe(before);
  });
});

describe('db:migrate', () => {
  it('adopts an empty database, then finds nothing left to apply', async () => {
    await buildOnce();
    const db = await createTestDatabase({ empty: true });
    try {
      const env = { DATABASE_URL: db.url };
      const first = await runCli(['db:migrate', '--json'], env);
      expect(first.code).toBe(0);
      expect(first.json.applied.length).toBeGreaterThan(0);
      const second = await runCli(['db:migrate', '--json'], env);
      expect(second.json).toEqual({ applied: [] });
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('is the only command that writes the schema: stats on a database without it says so, exits 2 and creates nothing', async () => {
    await buildOnce();
    const db = await createTestDatabase({ empty: true });
    try {
      const env = { DATABASE_URL: db.url, LEGACY_JWT_SECRET: SECRET };
      const text = await runCli(['stats'], env);
      expect(text.code).toBe(2);
      expect(text.stderr).toMatch(/has no clerk-migrate schema \(or no users table\).*run `npm run db:migrate`.*\(schema_not_ready\)/);
      const json = await runCli(['migrate', '--dry-run', '--json'], env);
      expect({ code: json.code, error: json.json.error.code }).toEqual({ code: 2, error: 'schema_not_ready' });
      const tables = await db.pool.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.rows[0].n).toBe(0);

      await db.pool.query(
        `CREATE TABLE clerk_migrate_schema_migrations (id SERIAL PRIMARY KEY, "timestamp" BIGINT NOT NULL, name VARCHAR NOT NULL)`,
      );
      await db.pool.query(
        `INSERT INTO clerk_migrate_schema_migrations ("timestamp", name) VALUES (1764000000000, 'AdoptUsersTable1764000000000')`,
      );
      const behind = await runCli(['stats'], env);
      expect(behind.code).toBe(2);
      expect(behind.stderr).toMatch(/schema of .* is behind this version \(\d+ of \d+ schema migrations not applied\)/);
    } finally {
      await db.drop();
    }
  }, 120_000);
});

describe('the CLI when something around it is wrong', () => {
  /** A Nest log line or a stack frame: neither belongs in what an operator reads by default. */
  const NOISE = /\[Nest\]|\n\s+at /;

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag]);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: `${version}\n` });
    }
  });

  it('names each bad variable on a line of its own, exits 2, with no stack; with --json, lists them', async () => {
    await buildOnce();
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', CLERK_RATE_LIMIT: 'fast', MIGRATION_BATCH_SIZE: '500' };
    const text = await runCli(['stats'], env);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe(
      'error: CLERK_RATE_LIMIT must be a number from 0.1 to 10000, got "fast" (invalid_config)\n' +
        'error: MIGRATION_BATCH_SIZE must be a whole number from 1 to 100, got "500" (invalid_config)\n',
    );
    const json = await runCli(['stats', '--json'], env);
    expect(json.code).toBe(2);
    expect(json.json.error).toMatchObject({
      code: 'invalid_config',
      problems: [expect.stringMatching(/^CLERK_RATE_LIMIT/), expect.stringMatching(/^MIGRATION_BATCH_SIZE/)],
    });
  });

  it('names the server and DATABASE_URL when the database cannot be reached, exits 3, and shows stacks only at debug level', async () => {
    await buildOnce();
    const port = await findFreePort();
    const env = { DATABASE_URL: `postgres://postgres:not-printed@127.0.0.1:${port}/clerk_migrate_test_nowhere` };
    const result = await runCli(['stats'], env);
    expect(result.code).toBe(3);
    const server = `PostgreSQL at 127\\.0\\.0\\.1:${port}, database "clerk_migrate_test_nowhere" \\(DATABASE_URL\\)`;
    const fix = 'check the host and port in DATABASE_URL';
    expect(result.stderr).toMatch(new RegExp(`^error: cannot connect to ${server}: .*${fix}.* \\(database_unavailable\\)$`, 'm'));
    expect(result.stderr).not.toMatch(NOISE);
    expect(result.stderr).not.toContain('not-printed');
    const debug = await runCli(['stats'], { ...env, CLI_LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/caused by: Error: connect ECONNREFUSED[^\n]*\n\s+at /);
  }, 60_000);

  it('says DATABASE_URL may point at another service when the port answers but not as PostgreSQL, exits 3', async () => {
    await buildOnce();
    // An HTTP server, as an operator's typo in the port finds one.
    const http = createServer((_request, response) => response.end('not PostgreSQL'));
    await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening));
    const { port } = http.address() as AddressInfo;
    const url = `postgres://postgres:not-printed@127.0.0.1:${port}/clerk_migrate_test_nowhere`;
    const result = await runCli(['stats'], { DATABASE_URL: url }).finally(() => http.close());
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: cannot connect to PostgreSQL at 127\.0\.0\.1:\d+, .*not another service's.* \(database_unavailable\)$/m,
    );
    expect(result.stderr).not.toMatch(NOISE);
  }, 60_000);

  it('says what to fix when the database does not exist, for db:migrate too', async () => {
    await buildOnce();
    const url = new URL(process.env[SERVER_URL_ENV]!);
    url.pathname = '/clerk_migrate_test_never_created';
    for (const command of ['stats', 'db:migrate']) {
      const result = await runCli([command, '--json'], { DATABASE_URL: url.toString() });
      expect(result.code).toBe(3);
      expect(result.json.error).toMatchObject({ code: 'database_unavailable' });
      expect(result.json.error.message).toMatch(/"clerk_migrate_test_never_created" does not exist; create the .* in DATABASE_URL/);
    }
  });
});
