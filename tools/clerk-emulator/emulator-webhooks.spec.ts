import { describe, expect, it } from '@jest/globals';
import { EmulatorHttpError } from './emulator-errors.js';
import { EmulatorStore } from './emulator-store.js';
import { EmulatorWebhooks, generateWebhookSecret } from './emulator-webhooks.js';

function paramOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulatorHttpError) return String(err.error.meta?.param_name);
  }
  return undefined;
}

const user = new EmulatorStore().createUser({ emails: ['hooks@example.com'] });

describe('EmulatorWebhooks', () => {
  it('generates a whsec_ secret of 24 bytes unless given one', () => {
    const secret = new EmulatorWebhooks().secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(new EmulatorWebhooks({ secret }).secret).toBe(secret);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('refuses a URL that is not http(s), a secret that is not whsec_<base64>, and other settings it cannot use', () => {
    const webhooks = new EmulatorWebhooks();
    expect(paramOf(() => webhooks.configure({ url: 'ftp://example.com' }))).toBe('url');
    expect(paramOf(() => webhooks.configure({ url: 'not a url' }))).toBe('url');
    expect(paramOf(() => webhooks.configure({ url: null, secret: 'whsec_abc' }))).toBe('secret');
    expect(paramOf(() => webhooks.configure({ url: null, secret: 'secret' }))).toBe('secret');
    expect(paramOf(() => webhooks.configure({ url: null, retryDelaysMs: [-1] }))).toBe('retry_delays_ms');
    expect(paramOf(() => webhooks.configure({ url: null, ordering: 'random' as 'strict' }))).toBe('ordering');
  });

  it('records nothing and spends no fault while no URL is set', async () => {
    const sent: string[] = [];
    const webhooks = new EmulatorWebhooks({}, ({ body }) => {
      sent.push((JSON.parse(body) as { type: string }).type);
      return Promise.resolve({ status: 200 });
    });
    webhooks.injectFault('drop', 1);
    webhooks.userCreated(user);
    expect(webhooks.deliveries()).toEqual([]);
    webhooks.configure({ url: 'http://127.0.0.1:9/hooks' });
    webhooks.userUpdated(user);
    webhooks.userDeleted(user);
    await webhooks.idle(1000);
    expect(webhooks.deliveries().map((d) => [d.type, d.status])).toEqual([
      ['user.updated', 'dropped'],
      ['user.deleted', 'delivered'],
    ]);
    expect(sent).toEqual(['user.deleted']);
  });
});
