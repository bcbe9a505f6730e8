import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { ClerkConfig } from '../config/clerk.config.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ClerkGateway } from './clerk.gateway.js';
import { ClerkRequestAttribution } from './clerk-request.attribution.js';
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
      provide: ClerkRequestAttribution,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new ClerkRequestAttribution(config.getOrThrow<ClerkConfig>('clerk', { infer: true }).rateLimitPerSecond),
    },
    {
      provide: ClerkRequestObserver,
      inject: [MetricsService, ClerkRequestAttribution],
      useFactory: (metrics: MetricsService, attribution: ClerkRequestAttribution): ClerkRequestObserver => ({
        observe: (outcome) => {
          metrics.clerkRequest(outcome.operation, outcome.status, outcome.seconds);
          attribution.record(outcome);
        },
      }),
    },
  ],
  exports: [ClerkGateway, ClerkWebhookVerifier, ClerkRequestAttribution],
})
export class ClerkModule {}
