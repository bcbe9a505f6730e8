import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { SessionTokenError } from '../../src/clerk/clerk-gateway.error.js';
import { SessionTokenVerifier } from '../../src/clerk/session-token.verifier.js';
import type { VerifiedSession } from '../../src/clerk/clerk.gateway.js';
import { VerifiedTokenCache } from '../../src/common/verified-token-cache.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { emulatorClerkConfig } from '../utils/clerk-config.js';
import { tamperSignature } from '../utils/jwt.js';

let emulator: ClerkEmulator;
let userId: string;

function verifier(cache: VerifiedTokenCache<VerifiedSession>, jwtKey = emulator.publicKeyPem) {
  return new SessionTokenVerifier(emulatorClerkConfig(emulator, { CLERK_SECRET_KEY: undefined, CLERK_JWT_KEY: jwtKey }), cache);
}

beforeAll(async () => {
  emulator = await startClerkEmulator({ rateLimit: false });
  userId = emulator.seedUser({ email: 'cache@example.com' }).id;
});
afterAll(() => emulator.stop());

describe('SessionTokenVerifier with its cache of verified tokens', () => {
  it('verifies a token once and answers the next request for it from the cache', async () => {
    const cache = new VerifiedTokenCache<VerifiedSession>(100);
    const token = emulator.mintSessionToken({ sub: userId });
    await expect(verifier(cache).verify(token)).resolves.toMatchObject({ clerkUserId: userId });
    // A verifier holding a key that could not check this signature still accepts it: from the cache.
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(verifier(cache, otherKey).verify(token)).resolves.toMatchObject({ clerkUserId: userId });
    expect(cache.size).toBe(1);
  });

  it('never caches a token that failed verification', async () => {
    const cache = new VerifiedTokenCache<VerifiedSession>(100);
    const forged = tamperSignature(emulator.mintSessionToken({ sub: userId }));
    await expect(verifier(cache).verify(forged)).rejects.toBeInstanceOf(SessionTokenError);
    await expect(verifier(cache).verify(forged)).rejects.toBeInstanceOf(SessionTokenError);
    expect(cache.size).toBe(0);
  });

  it('does not cache a token accepted only within the clock-skew allowance, past its exp', async () => {
    const cache = new VerifiedTokenCache<VerifiedSession>(100);
    const justExpired = emulator.mintSessionToken({ sub: userId, expiresInSeconds: 60, issuedAtOffsetSeconds: -62 });
    await expect(verifier(cache).verify(justExpired)).resolves.toMatchObject({ clerkUserId: userId });
    expect(cache.size).toBe(0);
  });
});
