import { DataSource, type DataSourceOptions } from 'typeorm';
import { explainConnectionFailure } from './database-connection.error.js';
import { schemaMigrations } from './migrations/index.js';

/** Our own bookkeeping table, named so that it cannot collide with the product's migration tool. */
export const MIGRATIONS_TABLE = 'clerk_migrate_schema_migrations';

const UNDEFINED_TABLE = '42P01';

/** Any fixed number will do, as long as every process agrees on it. */
const SCHEMA_LOCK_KEY = 7_310_452_001;

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: schemaMigrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    // TCP keepalive: a proxy or firewall that silently drops an idle connection (the migration lock's,
    // idle for a whole run) is found out by the kernel instead of on the next query.
    extra: { max: poolSize, connectionTimeoutMillis: 5000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 },
  };
}

/**
 * Applies pending schema migrations under an advisory lock, so that several instances starting at
 * once do not race each other. Returns the names of the migrations applied.
 */
export async function runSchemaMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Applies the migrations to the database at `url` with a short-lived connection. */
export async function migrateDatabase(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize().catch((error: unknown) => {
    throw explainConnectionFailure(error, url);
  });
  try {
    return await runSchemaMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Names of migrations known to the code that the database has not recorded yet. */
export async function pendingSchemaMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE}`).catch((error: { code?: string }) => {
    if (error.code === UNDEFINED_TABLE) return [];
    throw error;
  });
  const applied = new Set(rows.map((row) => row.name));
  return schemaMigrations.map((migration) => migration.name).filter((name) => !applied.has(name));
}
