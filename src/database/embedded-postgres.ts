import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { clusterPaths, isAlive, prepareCluster, type PreparedCluster } from './embedded-postgres-home.js';
import { startKeeper, type Keeper, type KeeperSpec } from './embedded-postgres-keeper.js';

export { clusterPaths } from './embedded-postgres-home.js';

export interface EmbeddedPostgresHandle {
  /** Connection string of the server's `postgres` database, for administration. */
  serverUrl: string;
  /** Connection string of the application's database on that server. */
  url: string;
  /** Where the cluster's data lives (as root, not where it was asked for: see `clusterPaths`). */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Local-only server bound to 127.0.0.1 with a throw-away password; nothing outside this machine reaches it.
const PASSWORD = 'embedded';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';
/** initdb included, on a slow disk. */
const START_TIMEOUT_MS = 120_000;

export async function findFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Whether nothing listens on `port` of 127.0.0.1, where the embedded server binds. */
async function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/**
 * The port this cluster had last time (PostgreSQL keeps its command line in `postmaster.opts`) when it
 * is free, else any free one: a restarted `npm run dev` keeps the DATABASE_URL its operator pasted.
 */
async function preferredPort(dataDir: string): Promise<number> {
  const lastCommand = await readFile(join(dataDir, 'postmaster.opts'), 'utf8').catch(() => '');
  const last = Number(/"-p" "(\d+)"/.exec(lastCommand)?.[1]);
  if (last > 0 && (await isFree(last))) return last;
  return findFreePort();
}

/**
 * Starts a PostgreSQL server from the binaries of the `embedded-postgres` package, with its data
 * under `dataDir` (as root, in a home of its own: see `clusterPaths`), on a free port of 127.0.0.1,
 * and makes sure `database` exists. Throws `EmbeddedPostgresError` when it cannot.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  database: string,
  options: { persistent?: boolean } = {},
): Promise<EmbeddedPostgresHandle> {
  const clusterDir = clusterPaths(dataDir).dataDir;
  const running = await runningServerPort(clusterDir);
  if (running !== undefined) {
    // Another process of ours already serves this cluster: share it, and leave stopping it to its owner.
    const shared = await connectTo(running, database, clusterDir, async () => undefined).catch(() => undefined);
    if (shared) return shared;
  }
  const cluster = await prepareCluster(dataDir);
  const port = await preferredPort(cluster.dataDir);
  const keeper = startKeeper(keeperSpec(cluster, port), cluster.logFile);
  const stop = async () => {
    await keeper.stop();
    if (options.persistent === false) for (const path of cluster.removable) await rm(path, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(port, keeper, cluster);
    return await connectTo(port, database, cluster.dataDir, stop);
  } catch (error) {
    await keeper.stop();
    // Another process started this cluster at the same moment (ours then found its lock file): share that server.
    const other = await runningServerPort(cluster.dataDir);
    if (other !== undefined) return connectTo(other, database, cluster.dataDir, async () => undefined);
    await stop();
    throw error;
  }
}

function keeperSpec(cluster: PreparedCluster, port: number): KeeperSpec {
  const owner = cluster.owner ?? {};
  // Not the caller's environment, which carries secrets (DATABASE_URL, Clerk keys): the binaries are called by full path.
  const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };
  const binary = (name: string) => join(cluster.binDir, name);
  const init = existsSync(join(cluster.dataDir, 'PG_VERSION'))
    ? undefined
    : {
        initdb: binary('initdb'),
        args: [
          `--pgdata=${cluster.initDir}`,
          `--username=${USER}`,
          `--pwfile=${cluster.passwordFile}`,
          '--auth=scram-sha-256',
          // The same on every machine, whatever its locales: UTF-8, with Unicode case mapping for lower().
          '--encoding=UTF8',
          '--locale=C',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
        ],
        passwordFile: cluster.passwordFile,
        password: PASSWORD,
        into: cluster.initDir,
        dataDir: cluster.dataDir,
      };
  // No Unix socket: nothing uses it, and it would leave a lock file in /tmp after a hard stop.
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  const args = ['-D', cluster.dataDir, '-p', String(port), ...flags];
  return { cwd: dirname(cluster.dataDir), ...owner, env, init, postgres: binary('postgres'), args };
}

/** Until the server accepts a connection; fails as soon as the keeper is gone, with what its log says. */
async function waitUntilReady(port: number, keeper: Keeper, cluster: PreparedCluster): Promise<void> {
  let gone = false;
  void keeper.exited.then(() => (gone = true));
  const where = { dataDir: cluster.dataDir, logFile: cluster.logFile };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await accepts(port)) return;
    if (gone) throw new EmbeddedPostgresError(await whyItFailed(cluster.logFile, keeper.logOffset), where);
    if (Date.now() > deadline) throw new EmbeddedPostgresError(`it did not accept connections within ${START_TIMEOUT_MS / 1000} s`, where);
    await sleep(100);
  }
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl(port, 'postgres'), connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The lines of this start's log that say what went wrong: initdb's and PostgreSQL's errors, else its last line. */
async function whyItFailed(logFile: string, from: number): Promise<string> {
  const lines = (await readFile(logFile).catch(() => Buffer.alloc(0)))
    .subarray(from)
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errors = lines.filter((line) => /\b(FATAL|PANIC|ERROR|error|could not|failed)\b/.test(line));
  const said = (errors.length > 0 ? errors.slice(-3) : lines.slice(-1)).join('; ');
  return said ? `it stopped while starting: ${said}` : 'it stopped while starting';
}

function serverUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function connectTo(port: number, database: string, dataDir: string, stop: () => Promise<void>): Promise<EmbeddedPostgresHandle> {
  await ensureDatabase(serverUrl(port, 'postgres'), database);
  return { serverUrl: serverUrl(port, 'postgres'), url: serverUrl(port, database), dataDir, stop };
}

/** The port of a live server already running on `databaseDir`, read from its `postmaster.pid`. */
async function runningServerPort(databaseDir: string): Promise<number | undefined> {
  const lockFile = await readFile(join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!lockFile) return undefined;
  const [pid, , , port] = lockFile.split('\n');
  return isAlive(Number(pid)) ? Number(port) || undefined : undefined;
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      // Two processes sharing a server may both find it missing: the one that loses the race has it all the same.
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== DUPLICATE_DATABASE && error.code !== UNIQUE_VIOLATION) throw error;
      });
    }
  } finally {
    await client.end();
  }
}
