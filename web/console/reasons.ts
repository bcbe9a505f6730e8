// A run's reasons and error codes in plain words, the code kept beside them for searching and filtering.
const WORDS: Record<string, string> = {
  bcrypt_digest: 'imported with their bcrypt hash',
  password_digest: 'imported with their password hash',
  no_password: 'no password hash',
  unsupported_hash: 'a password hash no hasher can import',
  invalid_email: 'not a valid email address',
  duplicate_email: 'another user has the same email',
  strategy_invite: 'invited (the invite strategy)',
  email: 'linked by email to an existing Clerk account',
  external_id: 'linked by external id to an existing Clerk account',
  exists_in_clerk: 'already has a Clerk account (skipped by policy)',
  clerk_email_unverified: 'the Clerk account’s email is not verified',
  clerk_account_of_another_user: 'the Clerk account belongs to another user',
  clerk_account_linked_to_another_user: 'the Clerk account is linked to another user',
  reconciled: 'found in Clerk after a lost answer',
  conflict: 'Clerk refused: conflict',
  invalid: 'Clerk refused the data',
  rate_limited: 'Clerk’s rate limit',
  transient: 'Clerk failed for a while (retried)',
  clerk_unavailable: 'Clerk did not answer',
  clerk_unauthorized: 'Clerk refused the secret key',
  interrupted: 'the run was interrupted',
  lock_lost: 'the run lost the migration lock',
  wrong_password: 'wrong password',
  unknown_email: 'unknown email',
};

export function reasonInWords(code: string | null): string {
  if (!code) return '';
  const words = WORDS[code];
  return words ? `${words} (${code})` : code.replace(/_/g, ' ');
}
