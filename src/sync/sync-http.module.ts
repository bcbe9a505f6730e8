import { Module } from '@nestjs/common';
import { ClerkModule } from '../clerk/clerk.module.js';
import { ClerkEventsWorker } from './clerk-events.worker.js';
import { ClerkWebhooksController } from './clerk-webhooks.controller.js';
import { ClerkWebhooksService } from './clerk-webhooks.service.js';
import { SyncController } from './sync.controller.js';
import { SyncModule } from './sync.module.js';

/** The HTTP side of sync, and the webhook worker (the service's processes apply events; the CLI does not). */
@Module({
  imports: [SyncModule, ClerkModule],
  controllers: [ClerkWebhooksController, SyncController],
  providers: [ClerkWebhooksService, ClerkEventsWorker],
})
export class SyncHttpModule {}
