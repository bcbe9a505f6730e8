import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  SERVER_URL_ENV,
  TEMPLATE_ENV,
  TEST_DATABASE_PREFIX,
  assertTestDatabase,
  databaseUrl,
  withServerClient,
} from '../setup/test-server.js';
import { eventually } from './eventually.js';

/**
 * A pool for arranging and asserting. `pool.end()` resolves before its sessions have closed, and some
 * tests stop a server or terminate sessions on purpose: a session ended under an idle client makes the
 * pool emit 'error', which with no listener would fail the whole test file. The next query still fails
 * loudly if the server is really gone.
 */
export function assertionPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A pool on the test database, for arranging and asserting with plain SQL. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a clone of the migrated template, or, with
 * `{ empty: true }`, a database with nothing in it (for the schema-adoption tests).
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = required(SERVER_URL_ENV);
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  assertTestDatabase(name);
  const template = options.empty ? 'template0' : required(TEMPLATE_ENV);
  await withServerClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = databaseUrl(serverUrl, name);
  const pool = assertionPool(url);
  return {
    name,
    url,
    pool,
    drop: async () => {
      await pool.end();
      await withServerClient(serverUrl, async (client) => {
        await waitForDisconnects(client, name);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

/**
 * `pool.end()` resolves before PostgreSQL has seen every connection close; forcing the drop then
 * would kill a connection the client is still closing, and it would report that as an error.
 */
async function waitForDisconnects(client: pg.Client, database: string): Promise<void> {
  const sessions = async () =>
    (await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0].n as number;
  // Bounded, and no failure past it: the forced drop that follows ends whatever is left.
  await eventually(sessions, (n) => n === 0, { timeoutMs: 1_000, intervalMs: 20 });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest, whose global set-up sets it`);
  return value;
}
