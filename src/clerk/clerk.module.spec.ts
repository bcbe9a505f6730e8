import { describe, expect, it } from '@jest/globals';
import { ConfigModule, registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { readClerkConfig } from '../config/clerk.config.js';
import { ClerkGateway } from './clerk.gateway.js';
import { ClerkErrorKind } from './clerk-gateway.error.js';
import { ClerkModule } from './clerk.module.js';
import { ClerkSdkGateway } from './clerk-sdk.gateway.js';

describe('ClerkModule', () => {
  it('provides the SDK adapter under the port, answering not_configured without a secret key', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [registerAs('clerk', () => readClerkConfig({}))] }), ClerkModule],
    }).compile();
    const gateway = moduleRef.get(ClerkGateway);
    expect(gateway).toBeInstanceOf(ClerkSdkGateway);
    await expect(gateway.getUser('user_1')).rejects.toMatchObject({ kind: ClerkErrorKind.NotConfigured });
    await moduleRef.close();
  });
});
