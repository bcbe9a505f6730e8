import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { ClerkModule } from '../clerk/clerk.module.js';
import { InvitationsModule } from '../invitations/invitations.module.js';
import { LocksModule } from '../locks/locks.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OperationsModule } from '../operations/operations.module.js';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { UsersModule } from '../users/users.module.js';
import { DependentRows } from './dependent-rows.js';
import { DevelopmentInstanceCap } from './development-instance-cap.js';
import { MigrationItemEntity } from './migration-item.entity.js';
import { MigrationPlanner } from './migration-planner.js';
import { MigrationRunEntity } from './migration-run.entity.js';
import { MigrationRunner } from './migration-runner.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationService } from './migration.service.js';
import { MigrationVerifier } from './migration-verifier.js';
import { PasswordCleanup } from './password-cleanup.js';
import { RollbackSubjects } from './rollback-subjects.js';
import { RunReports } from './run-reports.js';
import { RunReportsRepository } from './run-reports.repository.js';
import { RunRollback } from './run-rollback.js';
import { UserMigrator } from './user-migrator.js';
import { LoginMigration } from './login-migration.js';
import { LockTurns } from './lock-turns.js';
import { MigrationDryRun } from './migration-dry-run.js';
import { MigrationOperations } from './migration-operations.js';

/** The migration's core, without HTTP or scheduling: what the CLI, REST and cron share. */
@Module({
  imports: [
    TypeOrmModule.forFeature([MigrationRunEntity, MigrationItemEntity]),
    UsersModule,
    AuditModule,
    ClerkModule,
    MetricsModule,
    PasswordsModule,
    InvitationsModule,
    LocksModule,
    OperationsModule,
  ],
  providers: [
    MigrationService,
    MigrationRunsRepository,
    MigrationPlanner,
    MigrationRunner,
    UserMigrator,
    RunRollback,
    RollbackSubjects,
    PasswordCleanup,
    MigrationVerifier,
    DependentRows,
    LoginMigration,
    LockTurns,
    RunReports,
    RunReportsRepository,
    DevelopmentInstanceCap,
    MigrationOperations,
    MigrationDryRun,
  ],
  exports: [MigrationService, LoginMigration],
})
export class MigrationModule {}
