import { generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { clerkId } from './emulator-ids.js';

const generate = promisify(generateKeyPair);

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, the form Clerk shows as "JWT public key" and `CLERK_JWT_KEY` takes. */
  publicKeyPem: string;
}

/** Clerk signs session tokens with RS256 and a 2048-bit key; `kid` is the instance id (`ins_…`). */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: 2048 });
  return { kid: clerkId('ins'), privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** `GET /v1/jwks` shape (`WellKnown.JWKS` in the spec): RSA keys with `use`, `kty`, `kid`, `alg`, `n`, `e`. */
export function jwksJson(keys: SigningKey[]) {
  return {
    keys: keys.map((key) => {
      const jwk = key.publicKey.export({ format: 'jwk' });
      return { use: 'sig', kty: 'RSA', kid: key.kid, alg: 'RS256', n: jwk.n, e: jwk.e };
    }),
  };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function signJwt(key: SigningKey, payload: Record<string, unknown>, headerOverrides: Record<string, unknown> = {}): string {
  const header = { alg: 'RS256', kid: key.kid, typ: 'JWT', ...headerOverrides };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${b64url(signature)}`;
}
