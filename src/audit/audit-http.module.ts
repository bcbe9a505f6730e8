import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditModule } from './audit.module.js';

/** What the HTTP service adds to the audit module: `GET /audit`. Apart, so that the CLI loads no controller or OpenAPI decorator. */
@Module({
  imports: [AuditModule],
  controllers: [AuditController],
})
export class AuditHttpModule {}
