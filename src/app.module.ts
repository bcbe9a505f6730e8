import { Global, Module } from '@nestjs/common';
import { AuditHttpModule } from './audit/audit-http.module.js';
import { AuthModule } from './auth/auth.module.js';
import { TrickleMigration } from './auth/trickle-migration.port.js';
import { ConsoleModule } from './console/console.module.js';
import { rootConfigModule } from './config/config-root.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { InvitationSenderModule } from './invitations/invitations.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsHttpModule } from './metrics/metrics-http.module.js';
import { LoginMigration } from './migration/login-migration.js';
import { MigrationHttpModule } from './migration/migration-http.module.js';
import { MigrationModule } from './migration/migration.module.js';
import { UsersHttpModule } from './users/users-http.module.js';

/**
 * Auth owns the trickle port and migration implements it; the two meet only here, so neither
 * module imports the other.
 */
@Global()
@Module({
  imports: [MigrationModule],
  providers: [{ provide: TrickleMigration, useExisting: LoginMigration }],
  exports: [TrickleMigration],
})
class TrickleMigrationBinding {}

@Module({
  imports: [
    rootConfigModule(),
    LoggingModule,
    DatabaseModule.forRoot('apply'),
    UsersHttpModule,
    TrickleMigrationBinding,
    AuthModule,
    AuditHttpModule,
    HealthModule,
    MigrationHttpModule,
    MetricsHttpModule,
    InvitationSenderModule,
    ConsoleModule,
  ],
})
export class AppModule {}
