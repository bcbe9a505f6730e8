import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { migrationConfig, type MigrationConfig } from '../config/migration.config.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { MigrationService } from './migration.service.js';

/**
 * The nightly sweep: migrates whoever is left, on `MIGRATION_CRON`. With several instances, the
 * migration lock lets exactly one of them sweep; the others find it taken and do nothing.
 */
@Injectable()
export class MigrationScheduler implements OnModuleInit {
  private readonly logger = new Logger(MigrationScheduler.name);

  constructor(
    private readonly migration: MigrationService,
    private readonly registry: SchedulerRegistry,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.scheduleEnabled) return;
    // Registered here rather than with @Cron, because the schedule comes from validated configuration.
    const job = CronJob.from({ cronTime: this.config.cron, onTick: () => void this.sweep(), start: true });
    this.registry.addCronJob('migration-sweep', job);
    this.logger.log(`nightly sweep scheduled: ${this.config.cron}`);
  }

  async sweep(): Promise<void> {
    try {
      const run = await this.migration.migrate({ actor: 'scheduler', kind: 'sweep' });
      this.logger.log(`sweep ${run.id} ended ${run.status}: ${JSON.stringify(run.counts)}`);
    } catch (error) {
      if (error instanceof MigrationError && error.code === MigrationErrorCode.RunInProgress) {
        this.logger.log('sweep skipped: another instance is migrating');
        return;
      }
      this.logger.error(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
