import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { DatabaseServer } from './database-server.js';
import { dataSourceOptions, runSchemaMigrations } from './data-source.js';

/** PostgreSQL's codes for an unknown database, a refused login and a missing privilege. */
const PERMANENT_CONNECTION_ERRORS = new Set(['3D000', '28P01', '28000', '42501']);

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
        toRetry: (error: { code?: string }) => !PERMANENT_CONNECTION_ERRORS.has(error.code ?? ''),
      }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runSchemaMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
