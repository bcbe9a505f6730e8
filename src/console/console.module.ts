// Owns the operator console's server side: the page at /console, its bundle, and switching it off.
import { Inject, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { Request } from 'express';
import { AppError, CommonErrorCode } from '../common/app-error.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { AuditModule } from '../audit/audit.module.js';
import { MigrationModule } from '../migration/migration.module.js';
import { ConsoleActivityService } from './console-activity.service.js';
import { ConsoleApiController } from './console-api.controller.js';
import { ConsoleAssets } from './console-assets.js';
import { ConsoleFiguresRepository } from './console-figures.repository.js';
import { ConsoleController } from './console.controller.js';

/**
 * The page reads and acts through the REST API (`/migration/*`, `/audit`, `/health/ready`,
 * `/metrics`) with the caller's own credentials; what no endpoint gives (activity per hour, a run's
 * items as a file, those invited and not signed in, the invalid by reason) comes from `console/api`,
 * through the audit and migration modules' services and a read-only repository of aggregates.
 */
@Module({
  imports: [AuditModule, MigrationModule],
  controllers: [ConsoleController, ConsoleApiController],
  providers: [{ provide: ConsoleAssets, useFactory: () => new ConsoleAssets() }, ConsoleActivityService, ConsoleFiguresRepository],
})
export class ConsoleModule implements NestModule {
  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  /** `CONSOLE_ENABLED=false`: every console path answers as an unknown route does, before the guard asks for a session. */
  configure(consumer: MiddlewareConsumer): void {
    if (this.config.consoleEnabled) return;
    // Thrown, not passed to next(): Nest's middleware proxy hands it to the global filter, which answers JSON.
    consumer
      .apply((request: Request) => {
        throw new AppError(404, CommonErrorCode.NotFound, `Cannot ${request.method} ${request.originalUrl.split('?')[0]}`);
      })
      .forRoutes('console', 'console/*path');
  }
}
