import { describe, expect, it } from '@jest/globals';
import { InvalidConfigError } from './env-reader.js';
import { readSyncConfig } from './sync.config.js';

describe('sync configuration', () => {
  it('provisions sign-ups with the role user and answers webhooks 503 until a secret is set, by default', () => {
    expect(readSyncConfig({})).toEqual({
      signUps: 'provision',
      defaultRole: 'user',
      webhookSigningSecret: undefined,
      linkByVerifiedEmail: false,
    });
  });

  it('names a bad policy, role or secret, all at once', () => {
    const read = () => readSyncConfig({ CLERK_SIGN_UPS: 'maybe', DEFAULT_ROLE: 'two words', CLERK_WEBHOOK_SIGNING_SECRET: 'sk_test_oops' });
    expect(read).toThrow(InvalidConfigError);
    try {
      read();
    } catch (error) {
      const problems = (error as InvalidConfigError).problems.join('\n');
      expect(problems).toContain('CLERK_SIGN_UPS must be one of provision, refuse');
      expect(problems).toContain('DEFAULT_ROLE');
      expect(problems).toContain('CLERK_WEBHOOK_SIGNING_SECRET');
      expect(problems).not.toContain('sk_test_oops');
    }
  });
});
