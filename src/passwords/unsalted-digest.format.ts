import { createHash } from 'node:crypto';
import { equalInConstantTime, type PasswordFormat } from './password-format.js';

/**
 * A bare hex digest of the UTF-8 password, no salt. Clerk imports them and rehashes them with
 * bcrypt at the person's first sign-in. Hashing a password once takes microseconds, so it runs
 * inline; the comparison is constant-time all the same.
 */
function unsaltedDigestFormat(name: 'md5' | 'sha256', hexLength: number): PasswordFormat {
  const check = (password: string, hash: string) =>
    equalInConstantTime(createHash(name).update(password, 'utf8').digest(), Buffer.from(hash, 'hex'));
  return {
    name,
    hasher: name,
    shape: new RegExp(`^[0-9a-fA-F]{${hexLength}}$`),
    sqlShape: { octetLength: hexLength, pattern: /^[0-9a-fA-F]*$/ },
    // Clerk documents the digests in lower case.
    toClerkDigest: (hash) => hash.toLowerCase(),
    costClass: () => name,
    verify: async (password, hash) => check(password, hash),
  };
}

export const md5Format = unsaltedDigestFormat('md5', 32);
export const sha256Format = unsaltedDigestFormat('sha256', 64);
