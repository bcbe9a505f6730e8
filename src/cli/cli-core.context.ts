import { Injectable, type INestApplicationContext, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MigrationService } from '../migration/migration.service.js';
import type { SyncService } from '../sync/sync.service.js';
import { cliLogger } from './cli-logger.js';

// Loaded on first use: TypeORM, pg and the Clerk SDK take a while to import, and `--help` needs none of them.
const core = () => import('./cli-core.module.js');

/**
 * Boots the migration core only when a command needs it. `--help` and bad input then answer at
 * once, without configuration or a database, and `db:migrate` sees the migrations still pending
 * (the core applies them as it starts). Closing the CLI closes what was booted, which stops an
 * embedded PostgreSQL.
 */
@Injectable()
export class CliCoreContext implements OnApplicationShutdown {
  private readonly opened = new Map<Type, Promise<INestApplicationContext>>();

  async migration(): Promise<MigrationService> {
    const { CliCoreModule, MigrationService } = await core();
    return (await this.open(CliCoreModule)).get(MigrationService);
  }

  async sync(): Promise<SyncService> {
    const { CliCoreModule, SyncService } = await core();
    return (await this.open(CliCoreModule)).get(SyncService, { strict: false });
  }

  /** The database the core is on, as `DatabaseServer.describe` says it. */
  async database(): Promise<string> {
    const { CliCoreModule, DatabaseServer } = await core();
    return (await this.open(CliCoreModule)).get(DatabaseServer, { strict: false }).describe();
  }

  /** Applies the pending schema migrations to the configured (or embedded) database; returns their names. */
  async migrateDatabase(): Promise<string[]> {
    const { CliDatabaseModule, DatabaseServer, migrateDatabase } = await core();
    return migrateDatabase(await (await this.open(CliDatabaseModule)).get(DatabaseServer).url());
  }

  async onApplicationShutdown(): Promise<void> {
    const contexts = [...this.opened.values()];
    this.opened.clear();
    for (const context of contexts) await context.then((app) => app.close()).catch(() => undefined);
  }

  private open(module: Type): Promise<INestApplicationContext> {
    let context = this.opened.get(module);
    if (!context) {
      // On SIGINT/SIGTERM the core shuts down in order: a run stops taking users, records its state, then the database closes.
      context = NestFactory.createApplicationContext(module, { logger: cliLogger(), abortOnError: false }).then((app) =>
        app.enableShutdownHooks(['SIGINT', 'SIGTERM']),
      );
      this.opened.set(module, context);
    }
    return context;
  }
}
