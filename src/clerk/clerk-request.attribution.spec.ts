import { describe, expect, it } from '@jest/globals';
import { ClerkRequestAttribution } from './clerk-request.attribution.js';

describe('ClerkRequestAttribution', () => {
  it('counts each attempt for the work it was made in, down its async paths, and nothing made outside any', async () => {
    const attribution = new ClerkRequestAttribution(8);
    const later = () => new Promise((resolve) => setTimeout(resolve, 1));
    attribution.record({ status: 'ok', attempt: 1, requests: 1 });
    await Promise.all([
      attribution.attribute('run-a', async () => {
        await later();
        attribution.record({ status: '429', attempt: 1, requests: 1 });
        await later();
        attribution.record({ status: 'ok', attempt: 2, requests: 2 });
      }),
      attribution.attribute('run-b', async () => {
        await later();
        attribution.record({ status: '503', attempt: 1, requests: 1 });
      }),
    ]);
    expect(attribution.usageOf('run-a')).toEqual({ requests: 3, rateLimited: 1, retries: 1, budgetPerSecond: 8 });
    expect(attribution.usageOf('run-b')).toEqual({ requests: 1, rateLimited: 0, retries: 0, budgetPerSecond: 8 });
    attribution.forget('run-a');
    expect(attribution.usageOf('run-a')).toEqual({ requests: 0, rateLimited: 0, retries: 0, budgetPerSecond: 8 });
  });
});
