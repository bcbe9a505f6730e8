import { clerkId } from './emulator-ids.js';
import { signJwt, type SigningKey } from './emulator-signing-keys.js';

export interface SessionTokenOptions {
  sub: string;
  sid?: string;
  azp?: string;
  /** Lifetime from `iat`; Clerk's session tokens live 60 s. */
  expiresInSeconds?: number;
  /** Moves `iat`/`nbf`/`exp` relative to now, to mint tokens from the past or the future. */
  issuedAtOffsetSeconds?: number;
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
  /** Signs with the second key pair, whose `kid` the JWKS does not serve ("another instance"). */
  foreign?: boolean;
  /** Overrides the header `kid`. */
  kid?: string;
}

/**
 * A session token with Clerk's v2 claims (`sub`, `sid`, `iss`, `azp`, `iat`, `nbf`, `exp`, `v: 2`,
 * `fva`, `sts`), as described in Clerk's session token docs. `nbf` is 10 s before `iat`, as Clerk does.
 */
export function mintSessionToken(
  keys: { instance: SigningKey; foreign: SigningKey },
  issuer: string,
  options: SessionTokenOptions,
  nowMs: number,
): { token: string; sessionId: string } {
  const iat = Math.floor(nowMs / 1000) + (options.issuedAtOffsetSeconds ?? 0);
  const sessionId = options.sid ?? clerkId('sess');
  const payload = {
    azp: options.azp ?? 'http://localhost:3000',
    exp: iat + (options.expiresInSeconds ?? 60),
    fva: [0, -1],
    iat,
    iss: issuer,
    nbf: iat - 10,
    sid: sessionId,
    sts: 'active',
    sub: options.sub,
    v: 2,
    ...options.claims,
  };
  const key = options.foreign ? keys.foreign : keys.instance;
  const header = options.kid === undefined ? {} : { kid: options.kid };
  return { token: signJwt(key, payload, header), sessionId };
}
