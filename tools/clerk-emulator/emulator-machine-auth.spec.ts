import { describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { EmulatorHttpError } from './emulator-errors.js';
import { EmulatorMachineAuth, M2M_JWT_CATEGORY } from './emulator-machine-auth.js';
import { createSigningKey } from './emulator-signing-keys.js';

async function machineAuth(now: () => number = Date.now) {
  return new EmulatorMachineAuth({ key: await createSigningKey(), issuer: 'https://emulator.example' }, now);
}

describe('the emulator’s API keys and M2M tokens', () => {
  it('verifies a live API key and answers 404 once it is revoked or expired', async () => {
    let now = 1_000_000;
    const auth = await machineAuth(() => now);
    const key = auth.createApiKey({ subject: 'user_abc', name: 'ci key', secondsUntilExpiration: 60 });
    expect(key.id).toMatch(/^ak_[0-9a-f]{32}$/);
    expect(auth.verifyApiKey(key.secret).id).toBe(key.id);
    now += 61_000;
    expect(() => auth.verifyApiKey(key.secret)).toThrow(EmulatorHttpError);
    expect(auth.listApiKeys('user_abc', false)).toEqual([]);
    expect(auth.listApiKeys('user_abc', true)).toHaveLength(1);

    const other = auth.createApiKey({ subject: 'user_abc', name: 'other key' });
    auth.revokeApiKey(other.id, 'leaked');
    expect(() => auth.verifyApiKey(other.secret)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('mints JWT-form M2M tokens with Clerk’s M2M category, the machine as sub and the token id as jti', async () => {
    const auth = await machineAuth();
    const token = auth.createM2mToken({ machineId: 'mch_abc', tokenFormat: 'jwt', claims: { permissions: ['migration:write'] } });
    expect(decodeProtectedHeader(token.token)).toMatchObject({ alg: 'RS256', cat: M2M_JWT_CATEGORY });
    expect(decodeJwt(token.token)).toMatchObject({ sub: 'mch_abc', jti: token.id, permissions: ['migration:write'] });
    // Stateless: nothing to list, verify or revoke at the Backend API.
    expect(auth.listM2mTokens('mch_abc', true, true)).toEqual([]);
  });

  it('verifies opaque M2M tokens until they are revoked', async () => {
    const auth = await machineAuth();
    const token = auth.createM2mToken({ machineId: 'mch_abc' });
    expect(token.token).toMatch(/^mt_/);
    expect(auth.verifyM2mToken(token.token).subject).toBe('mch_abc');
    auth.revokeM2mToken(token.id, null);
    expect(() => auth.verifyM2mToken(token.token)).toThrow(expect.objectContaining({ status: 404 }));
  });
});
