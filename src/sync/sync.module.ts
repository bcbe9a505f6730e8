// The sync module owns Clerk -> users after the move: provisioning of people who signed up at Clerk, webhook events, reconciliation.
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClerkModule } from '../clerk/clerk.module.js';
import { UsersModule } from '../users/users.module.js';
import { ClerkAccountsService } from './clerk-accounts.service.js';
import { ClerkUserSync } from './clerk-user-sync.js';
import { ClerkWebhookEventsRepository } from './clerk-webhook-events.repository.js';
import { ExternalIdUpdates } from './external-id-updates.js';
import { SyncLock } from './sync-lock.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { SyncService } from './sync.service.js';

/** The core, without HTTP or the webhook worker: what the CLI, REST, the worker and the scheduler share. */
@Module({
  imports: [UsersModule, AuditModule, ClerkModule],
  providers: [
    ClerkAccountsService,
    ClerkUserSync,
    ClerkWebhookEventsRepository,
    ExternalIdUpdates,
    SyncLock,
    SyncStateRepository,
    SyncService,
  ],
  exports: [ClerkAccountsService, ClerkUserSync, ClerkWebhookEventsRepository, ExternalIdUpdates, SyncService],
})
export class SyncModule {}
