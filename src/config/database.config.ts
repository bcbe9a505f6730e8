import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export interface DatabaseConfig {
  /** Unset: an embedded PostgreSQL is started under `embeddedDataDir`. */
  url: string | undefined;
  embeddedDataDir: string;
  /** Pool size per process; the migrator holds at most one connection per in-flight write. */
  poolSize: number;
  /** How long the readiness probe waits for the database before calling it down. */
  pingTimeoutMs: number;
}

export function readDatabaseConfig(env: Record<string, string | undefined>): DatabaseConfig {
  const read = new EnvReader(env);
  return read.done({
    url: read.url('DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    embeddedDataDir: read.string('EMBEDDED_POSTGRES_DIR', '.data/postgres'),
    poolSize: read.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    pingTimeoutMs: read.int('DATABASE_PING_TIMEOUT_MS', 2000, { min: 100, max: 60000 }),
  });
}

export const databaseConfig = registerAs('database', () => readDatabaseConfig(process.env));
