import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MigrationController } from './migration.controller.js';
import { MigrationModule } from './migration.module.js';
import { MigrationScheduler } from './migration.scheduler.js';

/** What the long-running service adds to the migration core: the REST API and the nightly sweep. */
@Module({
  imports: [MigrationModule, ScheduleModule.forRoot()],
  controllers: [MigrationController],
  providers: [MigrationScheduler],
})
export class MigrationHttpModule {}
