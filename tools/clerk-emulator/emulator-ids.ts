import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Clerk ids are a type prefix and 27 base62 characters, e.g. `user_2NNEqL2nrIRdJ194ndJqAHwEfxC`. */
export function clerkId(prefix: string): string {
  const bytes = randomBytes(27);
  let body = '';
  for (const byte of bytes) body += BASE62[byte % 62];
  return `${prefix}_${body}`;
}

/** Clerk answers with a 32-hex-digit trace id in the error envelope. */
export function traceId(): string {
  return randomBytes(16).toString('hex');
}
