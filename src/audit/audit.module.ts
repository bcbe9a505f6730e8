import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorEmails } from './actor-emails.js';
import { AuditLogEntity } from './audit-log.entity.js';
import { AuditService } from './audit.service.js';

/** The audit log and the actors it names; no HTTP here (see `AuditHttpModule`), so the CLI can import it too. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity])],
  providers: [AuditService, ActorEmails],
  exports: [AuditService, ActorEmails],
})
export class AuditModule {}
