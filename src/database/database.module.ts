import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { DatabaseUnavailableError, explainConnectionFailure } from './database-connection.error.js';
import { DatabaseServer } from './database-server.js';
import { dataSourceOptions, runSchemaMigrations } from './data-source.js';

/** Which server to use, without connecting to it: what `db:migrate` needs. */
@Module({
  imports: [ConfigModule.forFeature(databaseConfig)],
  providers: [DatabaseServer],
  exports: [DatabaseServer],
})
export class DatabaseServerModule {}

/**
 * TypeORM on the configured (or embedded) PostgreSQL. Schema migrations are applied at start,
 * under an advisory lock; `synchronize` is never used.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [DatabaseServerModule, ConfigModule.forFeature(databaseConfig)],
      inject: [DatabaseServer, databaseConfig.KEY],
      useFactory: async (server: DatabaseServer, config: DatabaseConfig) => ({
        ...dataSourceOptions(await server.url(), config.poolSize),
        autoLoadEntities: true,
        // A server that is still starting deserves a few tries; a wrong database name or password does not.
        retryAttempts: 3,
        retryDelay: 1000,
        toRetry: (error: unknown) => !(error instanceof DatabaseUnavailableError && error.permanent),
      }),
      dataSourceFactory: async (options) => {
        const url = (options as { url: string }).url;
        const dataSource = await new DataSource(options!).initialize().catch((error: unknown) => {
          throw explainConnectionFailure(error, url);
        });
        await runSchemaMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
