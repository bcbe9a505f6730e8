import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { appConfig } from './config/app.config.js';
import { authConfig } from './config/auth.config.js';
import { clerkConfig } from './config/clerk.config.js';
import { migrationConfig } from './config/migration.config.js';
import { databaseConfig } from './config/database.config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MigrationHttpModule } from './migration/migration-http.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      envFilePath: '.env',
      load: [appConfig, databaseConfig, clerkConfig, authConfig, migrationConfig],
    }),
    DatabaseModule,
    UsersModule,
    AuthModule,
    AuditModule,
    HealthModule,
    MigrationHttpModule,
  ],
})
export class AppModule {}
