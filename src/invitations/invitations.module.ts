// Owns the invitation outbox: invitations queued with their items, and the fleet's one sender that sends them at Clerk's pace.
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClerkModule } from '../clerk/clerk.module.js';
import { InvitationSender } from './invitation-sender.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

/** The outbox itself, without the sender: what the migration core (and so the CLI) uses. */
@Module({
  imports: [ClerkModule],
  providers: [InvitationsRepository, InvitationsService],
  exports: [InvitationsService],
})
export class InvitationsModule {}

/**
 * The sender, only in the long-running service: the CLI exits when its command ends, so invitations a
 * CLI run queues are sent by the service.
 */
@Module({
  imports: [ClerkModule, AuditModule],
  providers: [InvitationsRepository, InvitationSender],
})
export class InvitationSenderModule {}
