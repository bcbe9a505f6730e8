import { Module } from '@nestjs/common';
import { MIGRATION_CORE_CONFIG, rootConfigModule } from '../config/config-root.js';
import { databaseConfig } from '../config/database.config.js';
import { DatabaseModule, DatabaseServerModule } from '../database/database.module.js';
import { MigrationModule } from '../migration/migration.module.js';
import { SyncModule } from '../sync/sync.module.js';

export { DatabaseServer } from '../database/database-server.js';
export { migrateDatabase } from '../database/data-source.js';
export { MigrationService } from '../migration/migration.service.js';
export { SyncService } from '../sync/sync.service.js';

/** What the data commands run on: configuration, the database (schema migrated at start), the migration and sync cores; no HTTP. */
@Module({ imports: [rootConfigModule(MIGRATION_CORE_CONFIG), DatabaseModule.forRoot('require'), MigrationModule, SyncModule] })
export class CliCoreModule {}

/** What `db:migrate` runs on: which server to use, and nothing that connects to it at start. */
@Module({ imports: [rootConfigModule([databaseConfig]), DatabaseServerModule] })
export class CliDatabaseModule {}
