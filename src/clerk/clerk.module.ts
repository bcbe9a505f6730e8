import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ClerkGateway } from './clerk.gateway.js';
import { ClerkSdkGateway } from './clerk-sdk.gateway.js';

/** Reads the `clerk` namespace, which the app registers with `ConfigModule.forRoot({ load: [clerkConfig] })`. */
@Module({
  imports: [ConfigModule],
  providers: [{ provide: ClerkGateway, useClass: ClerkSdkGateway }],
  exports: [ClerkGateway],
})
export class ClerkModule {}
