import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MigrationController } from './migration.controller.js';
import { MigrationGauges } from './migration-gauges.js';
import { MigrationModule } from './migration.module.js';
import { MigrationScheduler } from './migration.scheduler.js';
import { MigrationOperationsController } from './migration-operations.controller.js';

/** What the long-running service adds to the migration core: the REST API, the nightly sweep and the gauges. */
@Module({
  imports: [MigrationModule, MetricsModule, ScheduleModule.forRoot()],
  controllers: [MigrationController, MigrationOperationsController],
  providers: [MigrationScheduler, MigrationGauges],
})
export class MigrationHttpModule {}
