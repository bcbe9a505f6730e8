import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ClerkGateway } from './clerk.gateway.js';
import { ClerkRequestObserver } from './clerk-request.observer.js';
import { ClerkSdkGateway } from './clerk-sdk.gateway.js';
import { ClerkSdkWebhookVerifier, ClerkWebhookVerifier } from './clerk-webhook.verifier.js';

/** Reads the `clerk` namespace, which the app registers with `ConfigModule.forRoot({ load: [clerkConfig] })`. */
@Module({
  imports: [ConfigModule, MetricsModule],
  providers: [
    { provide: ClerkGateway, useClass: ClerkSdkGateway },
    { provide: ClerkWebhookVerifier, useClass: ClerkSdkWebhookVerifier },
    {
      provide: ClerkRequestObserver,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService): ClerkRequestObserver => ({
        observe: ({ operation, status, seconds }) => metrics.clerkRequest(operation, status, seconds),
      }),
    },
  ],
  exports: [ClerkGateway, ClerkWebhookVerifier],
})
export class ClerkModule {}
