import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { DatabaseUnavailableError, explainConnectionFailure } from './database-connection.error.js';
import { DatabaseServer } from './database-server.js';
import { dataSourceOptions, pendingSchemaMigrations, runSchemaMigrations } from './data-source.js';
import { schemaMigrations } from './migrations/index.js';
import { SchemaNotReadyError } from './schema-not-ready.error.js';

/** Which server to use, without connecting to it: what `db:migrate` needs. */
@Module({
  imports: [ConfigModule.forFeature(databaseConfig)],
  providers: [DatabaseServer],
  exports: [DatabaseServer],
})
export class DatabaseServerModule {}

/**
 * Whether starting applies the pending schema migrations (`apply`: the service, `db:migrate`) or only
 * checks that there are none (`require`: the CLI's commands, which must never write tables into a
 * database they were pointed at by mistake). The embedded database is this tool's own: always applied.
 */
export type SchemaPolicy = 'apply' | 'require';

/**
 * TypeORM on the configured (or embedded) PostgreSQL. Schema migrations are applied at start under
 * an advisory lock, or required to be applied already (see `SchemaPolicy`); `synchronize` is never used.
 */
@Module({})
export class DatabaseModule {
  static forRoot(schema: SchemaPolicy = 'apply'): DynamicModule {
    // Set by the options factory, which can inject, for the data source factory, which cannot.
    let policy: SchemaPolicy = 'apply';
    let describe = async () => 'the database';
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [DatabaseServerModule, ConfigModule.forFeature(databaseConfig)],
          inject: [DatabaseServer, databaseConfig.KEY],
          useFactory: async (server: DatabaseServer, config: DatabaseConfig) => {
            policy = schema === 'require' && config.url ? 'require' : 'apply';
            describe = () => server.describe();
            return {
              ...dataSourceOptions(await server.url(), config.poolSize),
              autoLoadEntities: true,
              // A server that is still starting deserves a few tries; a wrong database name, a password or a missing schema does not.
              retryAttempts: 3,
              retryDelay: 1000,
              toRetry: (error: unknown) =>
                !(error instanceof DatabaseUnavailableError && error.permanent) && !(error instanceof SchemaNotReadyError),
            };
          },
          dataSourceFactory: async (options) => {
            const url = (options as { url: string }).url;
            const dataSource = await new DataSource(options!).initialize().catch((error: unknown) => {
              throw explainConnectionFailure(error, url);
            });
            if (policy === 'apply') await runSchemaMigrations(dataSource);
            else await requireSchema(dataSource, describe);
            return dataSource;
          },
        }),
      ],
    };
  }
}

async function requireSchema(dataSource: DataSource, describe: () => Promise<string>): Promise<void> {
  const pending = await pendingSchemaMigrations(dataSource);
  if (pending.length === 0) return;
  await dataSource.destroy();
  throw new SchemaNotReadyError(await describe(), pending, schemaMigrations.length);
}
