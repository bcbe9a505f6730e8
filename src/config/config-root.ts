import { ConfigModule, type ConfigFactory } from '@nestjs/config';
import type { DynamicModule } from '@nestjs/common';
import { appConfig, readAppConfig } from './app.config.js';
import { authConfig, readAuthConfig } from './auth.config.js';
import { clerkConfig, readClerkConfig } from './clerk.config.js';
import { databaseConfig, readDatabaseConfig } from './database.config.js';
import { InvalidConfigError } from './env-reader.js';
import { migrationConfig, readMigrationConfig } from './migration.config.js';
import { readSyncConfig, syncConfig } from './sync.config.js';

type Env = Record<string, string | undefined>;

/** The pure reader behind each namespace, to check them all before any is used. */
const READERS = new Map<ConfigFactory, (env: Env) => unknown>([
  [appConfig, readAppConfig],
  [databaseConfig, readDatabaseConfig],
  [clerkConfig, readClerkConfig],
  [authConfig, readAuthConfig],
  [migrationConfig, readMigrationConfig],
  [syncConfig, readSyncConfig],
]);

/** Everything the HTTP service reads. */
export const SERVICE_CONFIG: ConfigFactory[] = [appConfig, databaseConfig, clerkConfig, authConfig, migrationConfig, syncConfig];

/**
 * What the migration core needs without HTTP: the same namespaces minus `auth`, so that operators
 * running the CLI are not asked for LEGACY_JWT_SECRET, which only the HTTP service uses.
 */
export const MIGRATION_CORE_CONFIG: ConfigFactory[] = [appConfig, databaseConfig, clerkConfig, migrationConfig, syncConfig];

/** The one place that decides how configuration is loaded (`.env`, cached, global), for every entry point. */
export async function rootConfigModule(load: ConfigFactory[] = SERVICE_CONFIG): Promise<DynamicModule> {
  const module = await ConfigModule.forRoot({ isGlobal: true, cache: true, envFilePath: '.env', load });
  // Checked when the app is built, not when this module is imported: by then `.env` has been merged
  // into process.env, and tests have set theirs. Listed first, so it reports before any namespace does.
  const checkAll = { provide: CONFIGURATION_CHECKED, useFactory: () => validateAll(load, process.env) };
  return { ...module, providers: [checkAll, ...(module.providers ?? [])] };
}

const CONFIGURATION_CHECKED = Symbol('CONFIGURATION_CHECKED');

/**
 * Reads every namespace against the environment (`.env` merged in) and reports every bad variable
 * of all of them in one error, so that a misconfigured start names everything that is wrong at once.
 */
export function validateAll(load: ConfigFactory[], env: Env): Env {
  const problems: string[] = [];
  for (const factory of load) {
    try {
      READERS.get(factory)?.(env);
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return env;
}
