import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

/** PostgreSQL servers running on `dataDir` (their `postgres -D <dataDir>` command lines). */
export async function postgresProcessesOf(dataDir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eww', '-o', 'args=']);
  return stdout.split('\n').filter((line) => line.includes(`-D ${dataDir} `));
}

/** The port of the embedded server another process runs on `dataDir`, once it accepts connections. */
export async function embeddedServerUrl(dataDir: string, database: string): Promise<string> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const port = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[3];
    const url = `postgres://postgres:embedded@127.0.0.1:${port}/${database}`;
    if (
      port &&
      (await queryOnce(url, 'SELECT 1').then(
        () => true,
        () => false,
      ))
    )
      return url;
    await sleep(100);
  }
  throw new Error(`no embedded server came up on ${dataDir}`);
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
