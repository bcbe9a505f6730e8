import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { eventually } from './eventually.js';

/** PostgreSQL servers running on `dataDir` (their `postgres -D <dataDir>` command lines). */
export async function postgresProcessesOf(dataDir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eww', '-o', 'args=']);
  return stdout.split('\n').filter((line) => line.includes(`-D ${dataDir} `));
}

/** The port of the embedded server another process runs on `dataDir`, once it accepts connections. */
export async function embeddedServerUrl(dataDir: string, database: string): Promise<string> {
  const answering = async () => {
    const port = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[3];
    const url = `postgres://postgres:embedded@127.0.0.1:${port}/${database}`;
    const answers =
      port &&
      (await queryOnce(url, 'SELECT 1').then(
        () => true,
        () => false,
      ));
    return answers ? url : undefined;
  };
  const what = `an embedded server to come up on ${dataDir}`;
  return (await eventually(answering, (url) => url !== undefined, { timeoutMs: 120_000, intervalMs: 100, what }))!;
}

/**
 * One query on a connection of its own: a pool would hold sessions that the server's shutdown ends
 * under it, the very thing some tests cause.
 */
export async function queryOnce<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}
