import type { ClerkPasswordHasher } from '../../src/passwords/password-formats.js';
import { CONFIGURED_VECTORS } from './password-vectors.js';

export interface ClerkDigestVector {
  hasher: ClerkPasswordHasher;
  /** In the form Clerk documents for `hasher`, as the emulator is sent it. */
  digest: string;
  password: string;
  source: string;
}

/**
 * Digests in Clerk's own forms, for the emulator's own checks (`tools/clerk-emulator`), besides those of
 * `PASSWORD_VECTORS`: the configured formats', whose digests carry the pepper or Firebase's parameters.
 */
export const CLERK_DIGEST_VECTORS: readonly ClerkDigestVector[] = CONFIGURED_VECTORS.map((v) => ({
  hasher: v.hasher,
  digest: v.clerkDigest,
  password: v.password,
  source: v.source,
}));
