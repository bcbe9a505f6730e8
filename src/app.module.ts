import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { rootConfigModule } from './config/config-root.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsHttpModule } from './metrics/metrics-http.module.js';
import { MigrationHttpModule } from './migration/migration-http.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    rootConfigModule(),
    LoggingModule,
    DatabaseModule,
    UsersModule,
    AuthModule,
    AuditModule,
    HealthModule,
    MigrationHttpModule,
    MetricsHttpModule,
  ],
})
export class AppModule {}
