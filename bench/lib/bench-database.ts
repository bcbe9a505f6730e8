import { hashSync } from '@node-rs/bcrypt';
import pg from 'pg';
import { migrateDatabase } from '../../src/database/data-source.js';

/** The development and CI machines' PostgreSQL; override with BENCH_POSTGRES_URL. */
const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database named `bench_<name>_<pid>`, with the service's schema migrations applied. */
export async function createBenchDatabase(name: string): Promise<BenchDatabase> {
  const dbName = `bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  await onServer((client) => client.query(`CREATE DATABASE ${dbName}`));
  const url = withDatabase(SERVER_URL, dbName);
  await migrateDatabase(url);
  return {
    url,
    // FORCE: the migration child may still hold a pooled connection if it died.
    drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A bcrypt hash at production cost, computed once: generating a million of them would take hours. */
export function benchPasswordHash(password = 'bench-password', cost = 10): string {
  return hashSync(password, cost);
}

/**
 * Inserts `count` legacy users (no `clerk_user_id`, the same bcrypt hash) in one SQL statement,
 * emails `bench.user<i>@example.com` starting after `offset`.
 */
export async function seedLegacyUsers(url: string, count: number, passwordHash: string, offset = 0): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(
      `INSERT INTO users (user_id, email, password_hash, name, role, created_at)
       SELECT gen_random_uuid(), 'bench.user' || i || '@example.com', $1, 'Bench User ' || i, 'user', now()
         FROM generate_series($2::int + 1, $2::int + $3::int) AS i`,
      [passwordHash, offset, count],
    );
    await client.query('ANALYZE users');
  });
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return work(client).finally(() => client.end());
}

function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(SERVER_URL, work);
}

function withDatabase(serverUrl: string, dbName: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}
