import { createHmac } from 'node:crypto';

/** Hand-made JWTs for attacks a real issuer would never produce. */
export function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function unsignedJwt(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${encode({ alg: 'none', typ: 'JWT', ...header })}.${encode(payload)}.`;
}

export function hs256Jwt(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = {}): string {
  const body = `${encode({ alg: 'HS256', typ: 'JWT', ...header })}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The same token with one character of its signature changed. */
export function tamperSignature(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}
