import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '../../src/database/data-source.js';
import { clusterPaths, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertBulkUsers } from '../reliability/support/bulk-users.js';
import { clerkEnv } from '../reliability/support/reliability-app.js';
import { buildOnce, collect, runCli, startCli } from '../utils/cli.js';
import { embeddedServerUrl, postgresProcessesOf, queryOnce } from '../utils/embedded.js';
import { waitFor } from '../utils/eventually.js';
import { TEST_ENV } from '../utils/test-app.js';
import { assertionPool } from '../utils/test-database.js';

const USERS = 300;
/** The database the service keeps on its embedded server. */
const SERVICE_DATABASE = 'clerk_migrate';

describe('the CLI on the embedded PostgreSQL (no DATABASE_URL)', () => {
  let folder: string;
  let dataDir: string;
  let clerk: ClerkEmulator;

  beforeAll(async () => {
    await buildOnce();
    folder = await mkdtemp(join(tmpdir(), 'clerk-migrate-embedded-'));
    dataDir = join(folder, 'postgres');
    // The service's database, migrated and filled, on the very cluster the CLI will start by itself.
    const server = await startEmbeddedPostgres(dataDir, SERVICE_DATABASE);
    try {
      await migrateDatabase(server.url);
      const pool = assertionPool(server.url, 1);
      await insertBulkUsers(pool, USERS, 'sigterm').finally(() => pool.end());
    } finally {
      await server.stop();
    }
    clerk = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
  }, 180_000);

  afterAll(async () => {
    await clerk?.stop();
    for (const path of [...clusterPaths(dataDir).removable, ...clusterPaths(join(folder, 'broken')).removable, folder]) {
      await rm(path, { recursive: true, force: true });
    }
  });

  /** `migrate --json` with no DATABASE_URL, in a process group of its own, as a shell runs a command. */
  function startMigrate() {
    const env = { ...TEST_ENV, ...clerkEnv(clerk), EMBEDDED_POSTGRES_DIR: dataDir, MIGRATION_CONCURRENCY: '2' };
    const child = startCli(['migrate', '--json'], env, { detached: true });
    return { child, ended: collect(child, ['migrate', '--json'], 120_000) };
  }

  it.each([
    ['SIGTERM', 'to the process, as `kill` or a service manager sends it', (pid: number): void => void process.kill(pid, 'SIGTERM')],
    ['SIGINT', 'to the whole process group, as Ctrl-C on a terminal does', (pid: number): void => void process.kill(-pid, 'SIGINT')],
  ] as const)(
    'stops on %s mid-run (%s): users in flight finish, the run is recorded interrupted, then PostgreSQL stops',
    async (...test) => {
      const send = test[2];
      const cluster = clusterPaths(dataDir);
      clerk.setFaults({ latencyMs: 40 });
      const { child, ended } = startMigrate();
      const url = await embeddedServerUrl(cluster.dataDir, SERVICE_DATABASE);
      const linked = async () => (await queryOnce<{ n: number }>(url, 'SELECT count(clerk_user_id)::int AS n FROM users'))[0].n;
      const before = await linked();
      await waitFor('ten more users linked', async () => (await linked()) >= before + 10, { timeoutMs: 120_000, intervalMs: 50 });

      send(child.pid!);
      const { stderr } = await ended;

      expect(stderr).not.toMatch(/Unhandled|\n\s+at /);
      expect(await postgresProcessesOf(cluster.dataDir)).toEqual([]);
      expect(existsSync(join(cluster.dataDir, 'postmaster.pid'))).toBe(false);
      expect(existsSync(cluster.passwordFile)).toBe(false);
      // Read before any new run could recover it: `interrupted` was written by the process that stopped.
      const server = await startEmbeddedPostgres(dataDir, SERVICE_DATABASE);
      try {
        const runs = await queryOnce<{ status: string }>(server.url, 'SELECT status FROM migration_runs ORDER BY started_at DESC');
        const unsettled = "SELECT count(*)::int AS n FROM migration_items WHERE status IN ('pending', 'creating')";
        const items = await queryOnce<{ n: number }>(server.url, unsettled);
        const users = await queryOnce<{ n: number }>(server.url, 'SELECT count(clerk_user_id)::int AS n FROM users');
        expect(runs[0].status).toBe('interrupted');
        expect(items[0].n).toBe(0);
        expect(users[0].n).toBeGreaterThanOrEqual(before + 10);
        expect(users[0].n).toBeLessThan(USERS);
      } finally {
        await server.stop();
      }
    },
    180_000,
  );

  it('says in `stats` that the numbers come from the embedded server, and where its data lives', async () => {
    const result = await runCli(['stats'], { ...TEST_ENV, EMBEDDED_POSTGRES_DIR: dataDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^database\s+embedded PostgreSQL, no DATABASE_URL \(data in \/.+\)$/m);
    expect(result.stdout).toMatch(new RegExp(`^total\\s+${USERS}$`, 'm'));
  }, 60_000);

  it('starts again on the port it had last time, so a pasted DATABASE_URL keeps working; another one when that is taken', async () => {
    const portOf = (url: string) => new URL(url).port;
    const first = await startEmbeddedPostgres(dataDir, SERVICE_DATABASE);
    await first.stop();
    const again = await startEmbeddedPostgres(dataDir, SERVICE_DATABASE);
    await again.stop();
    const squatter = createServer();
    await new Promise<void>((listening) => squatter.listen(Number(portOf(again.url)), '127.0.0.1', listening));
    try {
      const moved = await startEmbeddedPostgres(dataDir, SERVICE_DATABASE);
      const answered = await queryOnce<{ n: number }>(moved.url, 'SELECT count(*)::int AS n FROM users').finally(() => moved.stop());

      expect(portOf(again.url)).toBe(portOf(first.url));
      expect(portOf(moved.url)).not.toBe(portOf(first.url));
      expect(answered[0].n).toBe(USERS);
    } finally {
      await new Promise((closed) => squatter.close(closed));
    }
  }, 60_000);

  it('that cannot start says what failed and the two ways out, exits 2, and leaves no server behind', async () => {
    const broken = join(folder, 'broken');
    const cluster = clusterPaths(broken);
    // A data folder PostgreSQL refuses: a version it does not know, and nothing else.
    await mkdir(cluster.dataDir, { recursive: true });
    await writeFile(join(cluster.dataDir, 'PG_VERSION'), '99\n');

    const text = await runCli(['stats'], { ...TEST_ENV, EMBEDDED_POSTGRES_DIR: broken });
    const json = await runCli(['stats', '--json'], { ...TEST_ENV, EMBEDDED_POSTGRES_DIR: broken });

    expect(text.code).toBe(2);
    const oneMessage = /^error: the embedded PostgreSQL could not start: .+DATABASE_URL.+move the checkout/;
    expect(text.stderr.trim().split('\n')).toEqual([expect.stringMatching(oneMessage)]);
    expect(json.code).toBe(2);
    expect(json.json.error.code).toBe('embedded_postgres_unavailable');
    expect(json.stderr).not.toMatch(/Unhandled|\n\s+at /);
    expect(await postgresProcessesOf(cluster.dataDir)).toEqual([]);
  }, 60_000);
});
