import { ConfigModule, type ConfigFactory } from '@nestjs/config';
import type { DynamicModule } from '@nestjs/common';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { clerkConfig } from './clerk.config.js';
import { databaseConfig } from './database.config.js';
import { migrationConfig } from './migration.config.js';

/** Everything the HTTP service reads. */
export const SERVICE_CONFIG: ConfigFactory[] = [appConfig, databaseConfig, clerkConfig, authConfig, migrationConfig];

/**
 * What the migration core needs without HTTP: the same namespaces minus `auth`, so that operators
 * running the CLI are not asked for LEGACY_JWT_SECRET, which only the HTTP service uses.
 */
export const MIGRATION_CORE_CONFIG: ConfigFactory[] = [appConfig, databaseConfig, clerkConfig, migrationConfig];

/** The one place that decides how configuration is loaded (`.env`, cached, global), for every entry point. */
export function rootConfigModule(load: ConfigFactory[] = SERVICE_CONFIG): Promise<DynamicModule> {
  return ConfigModule.forRoot({ isGlobal: true, cache: true, envFilePath: '.env', load });
}
