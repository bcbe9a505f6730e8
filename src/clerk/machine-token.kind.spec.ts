import { describe, expect, it } from '@jest/globals';
import { machineTokenKind } from './machine-token.kind.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (header: object, payload: object) => `${b64(header)}.${b64(payload)}.c2lnbmF0dXJl`;

describe('machineTokenKind', () => {
  it('knows Clerk’s machine tokens by prefix', () => {
    expect(machineTokenKind('ak_3beecc9c60adb5f9b850e91a8ee1e992')).toBe('api_key');
    expect(machineTokenKind('mt_f7f0ba8c3b4843ce7d85fcdd5e71853e')).toBe('m2m_token');
    expect(machineTokenKind('oat_abc')).toBe('oauth_token');
  });

  it('tells a JWT-form M2M token (sub mch_…) and an OAuth JWT from a session JWT', () => {
    expect(machineTokenKind(jwt({ alg: 'RS256', typ: 'JWT', cat: 'cl_B7d4PD333AAA' }, { sub: 'mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk' }))).toBe(
      'm2m_token',
    );
    expect(machineTokenKind(jwt({ alg: 'RS256', typ: 'at+jwt' }, { sub: 'user_2xhFjEI5X2qWRvtV13BzSj8H6Dk' }))).toBe('oauth_token');
    expect(machineTokenKind(jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'user_2xhFjEI5X2qWRvtV13BzSj8H6Dk', sid: 'sess_1' }))).toBeNull();
  });

  it('leaves legacy tokens and garbage to the other checks', () => {
    expect(
      machineTokenKind(jwt({ alg: 'HS256', typ: 'JWT' }, { sub: '0d6f3c1e-8f5c-4d7a-9a51-1f2a3b4c5d6e', iss: 'clerk-migrate' })),
    ).toBeNull();
    expect(machineTokenKind('not-a-token')).toBeNull();
    expect(machineTokenKind('')).toBeNull();
  });
});
