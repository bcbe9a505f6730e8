import { SessionTokenVerifier } from '../../src/clerk/session-token.verifier.js';
import type { VerifiedSession } from '../../src/clerk/clerk.gateway.js';
import { VerifiedTokenCache } from '../../src/common/verified-token-cache.js';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';

export interface VerifyCost {
  uncachedMs: number;
  cachedMs: number;
}

/**
 * Time per `verify()` of one session token, with a cache that never hits and with the real one:
 * measured in this process alone, free of the HTTP and database noise of the load test.
 */
export async function verifyCost(emulator: ClerkEmulator, token: string, iterations = 2000): Promise<VerifyCost> {
  const config = { secretKey: undefined, apiUrl: emulator.url, jwtKey: emulator.publicKeyPem, authorizedParties: [], clockSkewMs: 5000 };
  const neverHits = new VerifiedTokenCache<VerifiedSession>();
  neverHits.get = () => undefined;
  return {
    uncachedMs: await timePerCall(new SessionTokenVerifier(config, neverHits), token, iterations),
    cachedMs: await timePerCall(new SessionTokenVerifier(config), token, iterations),
  };
}

async function timePerCall(verifier: SessionTokenVerifier, token: string, iterations: number): Promise<number> {
  for (let i = 0; i < 100; i++) await verifier.verify(token);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await verifier.verify(token);
  return (performance.now() - start) / iterations;
}
