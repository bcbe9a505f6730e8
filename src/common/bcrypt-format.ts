/**
 * The bcrypt digests Clerk imports and our verifier accepts: `$2a$`, `$2b$` and `$2y$` (PHP's name
 * for `$2b$`), cost 04 to 31, 22 characters of salt and 31 of hash. `$2x$` marks digests made by a
 * historic bug in 8-bit handling and is refused, like anything truncated or not bcrypt at all.
 */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

export function isSupportedBcryptHash(hash: string | null | undefined): hash is string {
  return typeof hash === 'string' && BCRYPT.test(hash);
}
