import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RUN_END_STATUSES } from './migration-run.entity.js';
import { MigrationService } from './migration.service.js';

/**
 * Feeds `/metrics` the gauges of where the move stands, read from the database on scrape: every
 * instance then reports the same, whichever process (app, CLI, sweep) did the work.
 */
@Injectable()
export class MigrationGauges implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly migration: MigrationService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.metrics.watchMoveState(() => this.migration.moveState(), this.config.metricsCacheMs, RUN_END_STATUSES);
  }
}
