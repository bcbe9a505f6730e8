import type { ClerkPasswordHasher } from '../../src/passwords/password-formats.js';

export interface ClerkDigestVector {
  hasher: ClerkPasswordHasher;
  /** In the form Clerk documents for `hasher`, as the emulator is sent it. */
  digest: string;
  password: string;
  source: string;
}

/**
 * Digests in Clerk's own forms, for the emulator's own checks (`tools/clerk-emulator`), each made
 * from a published vector of its algorithm, re-encoded by hand into the form Clerk documents.
 */
export const CLERK_DIGEST_VECTORS: readonly ClerkDigestVector[] = [];
