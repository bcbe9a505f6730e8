import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { migrateDatabase } from '../../src/database/data-source.js';
import { clusterPaths, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { isAlive } from '../../src/database/embedded-postgres-home.js';
import { buildDist, DIST_BUILT_ENV } from '../utils/cli.js';
import { SERVER_URL_ENV, TEMPLATE_ENV, TEST_DATABASE_PREFIX, assertTestDatabase, databaseUrl, withServerClient } from './test-server.js';

/**
 * Finds a PostgreSQL server (TEST_DATABASE_URL, else DATABASE_URL, else an embedded one), builds a
 * migrated template database that each test file clones in milliseconds, and compiles `dist/` for
 * the tests that run the CLI and the demo as real processes.
 */
export async function prepareTestServer(): Promise<void> {
  const serverUrl = await findServer();
  const template = `${TEST_DATABASE_PREFIX}template_${process.pid}`;
  assertTestDatabase(template);
  await withServerClient(serverUrl, async (client) => {
    await dropDatabasesOfDeadRuns(client);
    await client.query(`DROP DATABASE IF EXISTS ${template}`);
    await client.query(`CREATE DATABASE ${template}`);
  });
  await migrateDatabase(databaseUrl(serverUrl, template));
  await buildDist();
  process.env[DIST_BUILT_ENV] = '1';
  process.env[SERVER_URL_ENV] = serverUrl;
  process.env[TEMPLATE_ENV] = template;
}

async function findServer(): Promise<string> {
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (given) return databaseUrl(given, 'postgres');
  // A server of this run's own, deleted when the run ends, so that parallel runs never share one.
  await removeClustersOfDeadRuns();
  const embedded = await startEmbeddedPostgres(`.data/test-postgres-${process.pid}`, 'postgres', { persistent: false });
  (globalThis as { __embeddedPostgres?: typeof embedded }).__embeddedPostgres = embedded;
  return embedded.serverUrl;
}

/** Embedded clusters of runs that ended before their tear-down (a Ctrl-C on `npm test`): their servers stopped with them. */
async function removeClustersOfDeadRuns(): Promise<void> {
  // As root the clusters live in homes of their own (see clusterPaths); the folder holding them is the same either way.
  const folder = dirname(clusterPaths('.data/test-postgres-0').removable[0]);
  for (const entry of await readdir(folder).catch(() => [])) {
    const pid = Number(/^test-postgres-(\d+)(?:[-.].*)?$/.exec(entry)?.[1]);
    if (pid && !isAlive(pid)) await rm(join(folder, entry), { recursive: true, force: true });
  }
}

/** Test databases carry the creating process id; those of processes that are gone are left-overs. */
async function dropDatabasesOfDeadRuns(client: import('pg').Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
    `${TEST_DATABASE_PREFIX}%`,
  ]);
  for (const { datname } of rows) {
    const pid = Number(/(?:^|_)(\d+)(?:_|$)/.exec(datname.slice(TEST_DATABASE_PREFIX.length))?.[1]);
    if (!pid || isAlive(pid)) continue;
    await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
  }
}
