import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { databaseUrl, SERVER_URL_ENV, withServerClient } from '../setup/test-server.js';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { buildOnce, collect, startNode, type CliResult } from '../utils/cli.js';
import { queryOnce } from '../utils/embedded.js';
import { eventually } from '../utils/eventually.js';

const DEV = resolve(process.cwd(), 'dist-tools/tools/demo/dev.js');
const DEMO_DATABASE = `clerk_migrate_test_dev_${process.pid}`;

function spawnDev(env: Record<string, string>): ChildProcess {
  return startNode(DEV, [], { LOG_LEVEL: 'warn', ...env });
}

/** Calls `printed` with everything the process wrote on stdout so far, at each chunk. */
function onStdout(child: ChildProcess, printed: (all: string) => void): void {
  let all = '';
  child.stdout!.on('data', (chunk: Buffer) => printed((all += chunk.toString('utf8'))));
}

/** A dev that is expected to give up: if it starts after all (and wiped the world), it is stopped so the test ends. */
function runSecondDev(env: Record<string, string>): Promise<CliResult> {
  const child = spawnDev(env);
  onStdout(child, (all) => all.includes('OpenAPI docs') && child.kill('SIGTERM'));
  return collect(child, ['dev'], 60_000);
}

interface FirstDev {
  child: ChildProcess;
  ended: Promise<CliResult>;
  api: string;
  emulatorPort: number;
  admin: { email: string; password: string };
  /** The printed Clerk API key of the admin, and M2M token of the CI machine. */
  apiKey: string;
  m2mToken: string;
  banner: string;
}

async function startFirstDev(env: Record<string, string>): Promise<FirstDev> {
  const child = spawnDev(env);
  const ended = collect(child, ['dev'], 300_000);
  const banner = await new Promise<string>((ready, fail) => {
    onStdout(child, (all) => all.includes('export DATABASE_URL') && ready(all));
    void ended.then((result) => fail(new Error(`the first dev exited with ${result.code}: ${result.stderr}`)));
  });
  const admin = /\{"email":"([^"]+)","password":"([^"]+)"\}'\s+# an admin/.exec(banner)!;
  return {
    child,
    ended,
    api: /API\s+(\S+)/.exec(banner)![1],
    emulatorPort: Number(/Clerk emulator\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)![1]),
    admin: { email: admin[1], password: admin[2] },
    apiKey: /Bearer (ak_\S+)'/.exec(banner)![1],
    m2mToken: /Bearer (mt_\S+)'/.exec(banner)![1],
    banner,
  };
}

describe('a second npm run dev that cannot start leaves the running one alone', () => {
  const serverUrl = () => process.env[SERVER_URL_ENV]!;
  const demoUrl = () => databaseUrl(serverUrl(), DEMO_DATABASE);
  let first: FirstDev;
  let worldBefore: Awaited<ReturnType<typeof worldOfFirst>>;

  /** What a rebuild would change: the database itself (its oid), the users' ids, the admin's password. */
  async function worldOfFirst() {
    const [{ oid }] = await queryOnce<{ oid: number }>(serverUrl(), `SELECT oid FROM pg_database WHERE datname = '${DEMO_DATABASE}'`);
    const ids = await queryOnce<{ user_id: string }>(demoUrl(), 'SELECT user_id FROM users ORDER BY user_id');
    const login = await fetch(`${first.api}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(first.admin),
    });
    return { oid, userIds: ids.map((row) => row.user_id), adminLogin: login.status };
  }

  /** A second dev on the same server and demo database, with its own free ports unless told otherwise. */
  async function secondDev(env: Record<string, string>): Promise<CliResult> {
    const ports = { PORT: String(await findFreePort()), CLERK_EMULATOR_PORT: String(await findFreePort()) };
    return runSecondDev({ DATABASE_URL: serverUrl(), DEMO_DATABASE, ...ports, ...env });
  }

  function expectOneLine(result: CliResult, line: RegExp): void {
    const printed = `${result.stdout}${result.stderr}`.trim();
    expect({ code: result.code, printed }).toEqual({ code: 2, printed: expect.stringMatching(line) });
    expect(printed.split('\n')).toHaveLength(1);
    expect(printed).not.toMatch(/\bat .*\.js:\d+/);
  }

  beforeAll(async () => {
    await buildOnce();
    const ports = { PORT: String(await findFreePort()), CLERK_EMULATOR_PORT: String(await findFreePort()) };
    first = await startFirstDev({ DATABASE_URL: serverUrl(), DEMO_DATABASE, ...ports });
    worldBefore = await worldOfFirst();
  }, 120_000);

  afterAll(async () => {
    first?.child.kill('SIGTERM');
    await first?.ended;
    await withServerClient(serverUrl(), (client) => client.query(`DROP DATABASE IF EXISTS ${DEMO_DATABASE} WITH (FORCE)`));
  });

  it('starts the first dev on a world of 44 users whose admin can log in (the control)', () => {
    expect(worldBefore.userIds).toHaveLength(44);
    expect(worldBefore.adminLogin).toBe(200);
  });

  it('prints a working Clerk API key of the admin and an operator M2M token', async () => {
    const asAdmin = await fetch(`${first.api}/migration/runs`, { headers: { Authorization: `Bearer ${first.apiKey}` } });
    expect(asAdmin.status).toBe(200);
    const asMachine = await fetch(`${first.api}/migration/stats`, { headers: { Authorization: `Bearer ${first.m2mToken}` } });
    expect(asMachine.status).toBe(200);
  });

  it('refuses a second dev whose emulator port is taken, in one line', async () => {
    const second = await secondDev({ CLERK_EMULATOR_PORT: String(first.emulatorPort) });

    expect(await worldOfFirst()).toEqual(worldBefore);
    expectOneLine(second, new RegExp(`^dev: port ${first.emulatorPort} is taken by another program`));
  });

  it('refuses a second dev whose PORT is taken, in one line', async () => {
    const apiPort = new URL(first.api).port;
    const second = await secondDev({ PORT: apiPort });

    expect(await worldOfFirst()).toEqual(worldBefore);
    expectOneLine(second, new RegExp(`^dev: port ${apiPort} is taken by another program`));
  });

  it('refuses a second dev with a bad setting, naming it as the service does, in one line', async () => {
    const second = await secondDev({ MIGRATION_BATCH_SIZE: 'abc' });

    expect(await worldOfFirst()).toEqual(worldBefore);
    expectOneLine(second, /^dev: invalid configuration: MIGRATION_BATCH_SIZE must be a whole number from 1 to 100, got "abc"$/);
  });

  it('refuses a second dev on the demo database the first one uses, saying how to stop the first', async () => {
    const second = await secondDev({});

    expect(await worldOfFirst()).toEqual(worldBefore);
    expectOneLine(
      second,
      new RegExp(`^dev: the demo database ${DEMO_DATABASE} is in use by another npm run dev \\(pid ${first.child.pid}\\)`),
    );
  });

  // Last: it adds a person to the first dev's world, which the tests above compare with its start.
  it('wires the emulator’s webhooks to its API: the printed sign-up gives a new person a row through user.created', async () => {
    expect(first.banner).toContain(`Webhooks       the emulator sends Clerk's webhooks to ${first.api}/webhooks/clerk`);
    const curl = /curl -s -X POST (\S+\/__emulator\/sign-up) .* -d '([^']+)'/.exec(first.banner)!;
    const signedUp = await fetch(curl[1], { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: curl[2] });
    const { user_id: clerkUserId } = (await signedUp.json()) as { user_id: string };
    const email = (JSON.parse(curl[2]) as { email: string }).email;
    const rowsOf = () =>
      queryOnce<{ user_id: string; clerk_user_id: string; password_hash: string | null }>(
        demoUrl(),
        `SELECT user_id, clerk_user_id, password_hash FROM users WHERE email = '${email}'`,
      );
    const rows = await eventually(rowsOf, (found) => found.length > 0, { timeoutMs: 10_000, intervalMs: 100 });

    expect(signedUp.status).toBe(200);
    expect(rows).toEqual([{ user_id: expect.any(String), clerk_user_id: clerkUserId, password_hash: null }]);
  });
});
