import { Global, Module } from '@nestjs/common';
import { AuditHttpModule } from './audit/audit-http.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClerkSignUps } from './auth/clerk-sign-up.port.js';
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
import { OperationsHttpModule } from './operations/operations-http.module.js';
import { SweepFollowUp } from './migration/sweep-follow-up.port.js';
import { ClerkAccountsService } from './sync/clerk-accounts.service.js';
import { SyncHttpModule } from './sync/sync-http.module.js';
import { SyncModule } from './sync/sync.module.js';
import { SyncService } from './sync/sync.service.js';
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

/**
 * Auth owns the sign-up port and migration the after-sweep port; sync implements both. They meet
 * only here, so neither auth nor migration imports sync.
 */
@Global()
@Module({
  imports: [SyncModule],
  providers: [
    { provide: ClerkSignUps, useExisting: ClerkAccountsService },
    { provide: SweepFollowUp, useExisting: SyncService },
  ],
  exports: [ClerkSignUps, SweepFollowUp],
})
class SyncBinding {}

@Module({
  imports: [
    rootConfigModule(),
    LoggingModule,
    DatabaseModule.forRoot('apply'),
    UsersHttpModule,
    TrickleMigrationBinding,
    SyncBinding,
    AuthModule,
    AuditHttpModule,
    HealthModule,
    MigrationHttpModule,
    OperationsHttpModule,
    MetricsHttpModule,
    InvitationSenderModule,
    ConsoleModule,
    SyncHttpModule,
  ],
})
export class AppModule {}
