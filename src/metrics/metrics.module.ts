import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** The counters, for any module that records something; no HTTP here, so the CLI can import it too. */
@Module({
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
