import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditModule } from './audit/audit.module.js';
import { appConfig } from './config/app.config.js';
import { clerkConfig } from './config/clerk.config.js';
import { databaseConfig } from './config/database.config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      envFilePath: '.env',
      load: [appConfig, databaseConfig, clerkConfig],
    }),
    DatabaseModule,
    UsersModule,
    AuditModule,
    HealthModule,
  ],
})
export class AppModule {}
