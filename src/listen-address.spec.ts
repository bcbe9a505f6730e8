import { describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { readAppConfig } from './config/app.config.js';
import { describeListenAddress } from './listen-address.js';

async function listening(host: string): Promise<Server> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, host, done));
  return server;
}

describe('where the service says it listens', () => {
  it('names the bound address, and says when that is every interface', async () => {
    for (const [host, expected] of [
      ['127.0.0.1', /^http:\/\/127\.0\.0\.1:\d+ only \(HOST=127\.0\.0\.1; set HOST=0\.0\.0\.0 to listen on every interface\)$/],
      ['0.0.0.0', /^every interface \(0\.0\.0\.0:\d+\), e\.g\. http:\/\/127\.0\.0\.1:\d+$/],
    ] as const) {
      const server = await listening(host);
      try {
        expect(describeListenAddress(server).description).toMatch(expected);
      } finally {
        server.close();
      }
    }
  });

  it('binds every interface in production and only loopback elsewhere, unless HOST says otherwise', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', CLERK_SECRET_KEY: 'sk_live_x' };
    expect(readAppConfig(production).host).toBe('0.0.0.0');
    expect(readAppConfig({}).host).toBe('127.0.0.1');
    expect(readAppConfig({ HOST: '::' }).host).toBe('::');
  });
});
