import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SessionTokenError, SessionTokenErrorReason as Reason } from '../../src/clerk/clerk-gateway.error.js';
import { ClerkSdkGateway } from '../../src/clerk/clerk-sdk.gateway.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { emulatorClerkConfig } from '../utils/clerk-config.js';
import { rejectionOf } from '../utils/rejection.js';

let emulator: ClerkEmulator;
let userId: string;
const APP = 'http://localhost:3000';

function gateway(mode: 'jwks' | 'pem') {
  const env = { CLERK_JWT_KEY: mode === 'pem' ? emulator.publicKeyPem : undefined, CLERK_AUTHORIZED_PARTIES: APP };
  return ClerkSdkGateway.fromConfig(
    emulatorClerkConfig(emulator, { ...env, CLERK_MAX_ATTEMPTS: '1', CLERK_RETRY_BASE_DELAY_MS: '0', CLERK_RETRY_MAX_DELAY_MS: '0' }),
  );
}

async function reason(promise: Promise<unknown>): Promise<Reason> {
  return (await rejectionOf(promise, (error): error is SessionTokenError => error instanceof SessionTokenError, 'SessionTokenError'))
    .reason;
}

beforeAll(async () => {
  emulator = await startClerkEmulator({ rateLimit: false });
  userId = emulator.seedUser({ email: 'session@example.com', password: 'pa55word!' }).id;
});
afterAll(() => emulator.stop());

describe.each(['jwks', 'pem'] as const)('verifySessionToken (%s)', (mode) => {
  it('accepts a token from a password sign-in', async () => {
    const { token, sessionId } = await emulator.signIn('session@example.com', 'pa55word!', APP);
    const session = await gateway(mode).verifySessionToken(token);
    expect(session).toMatchObject({
      clerkUserId: userId,
      sessionId,
      claims: expect.objectContaining({ v: 2, azp: APP, iss: emulator.issuer }),
    });
  });

  it.each([
    ['expired', { issuedAtOffsetSeconds: -600 }, Reason.Expired],
    ['not yet valid', { issuedAtOffsetSeconds: 600 }, Reason.NotYetValid],
    ['for another app', { azp: 'https://evil.example.com' }, Reason.WrongAzp],
  ])('refuses a token %s', async (_label, options, expected) => {
    const token = emulator.mintSessionToken({ sub: userId, azp: APP, ...options });
    expect(await reason(gateway(mode).verifySessionToken(token))).toBe(expected);
  });

  it('refuses a token signed by another instance', async () => {
    const token = emulator.mintSessionToken({ sub: userId, azp: APP, foreign: true });
    expect(await reason(gateway(mode).verifySessionToken(token))).toBe(mode === 'jwks' ? Reason.UnknownKid : Reason.BadSignature);
  });

  it('refuses a forged signature under the right kid', async () => {
    const forged = emulator.mintSessionToken({ sub: userId, azp: APP, foreign: true });
    const real = emulator.mintSessionToken({ sub: userId, azp: APP });
    const spliced = `${real.split('.').slice(0, 2).join('.')}.${forged.split('.')[2]}`;
    expect(await reason(gateway(mode).verifySessionToken(spliced))).toBe(Reason.BadSignature);
  });

  it('refuses something that is not a JWT', async () => {
    expect(await reason(gateway(mode).verifySessionToken('not-a-jwt'))).toBe(Reason.Malformed);
  });
});

describe('password sign-in on the emulator', () => {
  it('refuses a wrong password', async () => {
    await expect(emulator.signIn('session@example.com', 'wrong')).rejects.toThrow(/Password is incorrect/);
  });
});
