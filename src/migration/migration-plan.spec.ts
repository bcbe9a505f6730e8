import { describe, expect, it } from '@jest/globals';
import type { ClerkUser } from '../clerk/clerk.gateway.js';
import { PasswordFormats } from '../passwords/password-formats.js';
import { planBatch, plannedUserView, type PlanContext, type PlanInput } from './migration-plan.js';

const HASH = '$2b$10$' + 'a'.repeat(53);

function clerkUser(overrides: Partial<ClerkUser> & { email?: string; verified?: boolean } = {}): ClerkUser {
  const { email = 'ada@example.com', verified = true, ...rest } = overrides;
  return {
    id: 'user_existing',
    externalId: null,
    primaryEmail: email,
    emails: [{ address: email, verified }],
    firstName: null,
    lastName: null,
    createdAt: 0,
    updatedAt: 0,
    lastSignInAt: null,
    publicMetadata: {},
    privateMetadata: {},
    ...rest,
  };
}

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  return {
    strategy: 'password',
    onExisting: 'link',
    clerkUsers: [],
    emailCounts: new Map(),
    clerkIdsLinkedLocally: new Set(),
    passwords: new PasswordFormats(),
    ...overrides,
  };
}

const user = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  userId: 'u-1',
  email: 'ada@example.com',
  passwordHash: HASH,
  ...overrides,
});
const planOne = (input: PlanInput, ctx = context()) => planBatch([input], ctx)[0];

describe('planBatch', () => {
  it('creates a user with a supported bcrypt digest, importing it', () => {
    expect(planOne(user())).toMatchObject({ action: 'create', reason: 'bcrypt_digest', password: { digest: HASH, hasher: 'bcrypt' } });
    for (const prefix of ['$2a$', '$2y$']) expect(planOne(user({ passwordHash: prefix + HASH.slice(4) })).action).toBe('create');
  });

  it('invites a user without a hash, and everyone under the invite strategy', () => {
    expect(planOne(user({ passwordHash: null }))).toMatchObject({ action: 'invite', reason: 'no_password' });
    expect(planOne(user(), context({ strategy: 'invite' }))).toMatchObject({ action: 'invite', reason: 'strategy_invite' });
  });

  it.each([
    ['argon2id', '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4'],
    ['pbkdf2_sha256_django', 'pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY='],
    ['phpass', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'],
    ['md5', '5f4dcc3b5aa765d61d8327deb882cf99'],
  ])('creates a user with a %s hash, importing it under that hasher', (hasher, passwordHash) => {
    expect(planOne(user({ passwordHash }))).toEqual(
      expect.objectContaining({ action: 'create', reason: `${hasher}_digest`, password: { digest: passwordHash, hasher } }),
    );
  });

  it('hands Clerk the digest in the form it documents: $P$ for phpBB’s $H$, lower-case hex', () => {
    expect(planOne(user({ passwordHash: '$H$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' }))).toMatchObject({
      password: { digest: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0', hasher: 'phpass' },
    });
    expect(planOne(user({ passwordHash: '5F4DCC3B5AA765D61D8327DEB882CF99' }))).toMatchObject({
      password: { digest: '5f4dcc3b5aa765d61d8327deb882cf99', hasher: 'md5' },
    });
  });

  it.each([
    ['$2x$', '$2x$10$' + 'a'.repeat(53)],
    ['truncated bcrypt', HASH.slice(0, 40)],
    ['Django sha1', 'sha1$KQ8zeK6wKRuR$f83371bca01fa6089456e673ccfb17f42d810b00'],
    ['truncated Django pbkdf2', 'pbkdf2_sha256$260000$salt$hash'],
    ['33-digit hex', '5f4dcc3b5aa765d61d8327deb882cf990'],
  ])('refuses a %s hash as invalid, and never sends it under another hasher', (_label, passwordHash) => {
    const planned = planOne(user({ passwordHash }));
    expect(planned).toMatchObject({ action: 'invalid', reason: 'unsupported_hash' });
    expect(planned.password).toBeUndefined();
  });

  it('invites a user whose hash Clerk cannot import under the invite strategy, saying why', () => {
    const planned = planOne(user({ passwordHash: 'sha1$$22e6217f026c7a395f0840c1ffbdb163072419e7' }), context({ strategy: 'invite' }));
    expect(planned).toMatchObject({ action: 'invite', reason: 'unsupported_hash' });
    expect(planned).not.toHaveProperty('password');
  });

  it.each(['not-an-email', 'two@@example.com', 'spa ce@example.com', `${'x'.repeat(250)}@example.com`, ''])(
    'refuses the email %j as invalid',
    (email) => {
      expect(planOne(user({ email }))).toMatchObject({ action: 'invalid', reason: 'invalid_email' });
    },
  );

  it('refuses emails that differ only in case from another user', () => {
    const ctx = context({ emailCounts: new Map([['ada@example.com', 2]]) });
    expect(planOne(user({ email: 'Ada@Example.com' }), ctx)).toMatchObject({ action: 'invalid', reason: 'duplicate_email' });
  });

  it('links the Clerk account that carries our user_id, whatever its email', () => {
    const ours = clerkUser({ id: 'user_ours', externalId: 'u-1', email: 'changed@example.com' });
    expect(planOne(user(), context({ clerkUsers: [ours] }))).toMatchObject({
      action: 'link',
      reason: 'external_id',
      clerkUserId: 'user_ours',
    });
  });

  it('links an existing Clerk account with the same verified email, ignoring case', () => {
    const existing = clerkUser({ email: 'ada@example.com' });
    expect(planOne(user({ email: 'ADA@example.com' }), context({ clerkUsers: [existing] }))).toMatchObject({
      action: 'link',
      reason: 'email',
      clerkUserId: 'user_existing',
    });
  });

  it('skips, never duplicates, an existing account it must not link', () => {
    const skipOf = (ctx: PlanContext) => planOne(user(), ctx);
    expect(skipOf(context({ clerkUsers: [clerkUser({ verified: false })] }))).toMatchObject({
      action: 'skip',
      reason: 'clerk_email_unverified',
    });
    expect(skipOf(context({ clerkUsers: [clerkUser()], onExisting: 'skip' }))).toMatchObject({ action: 'skip', reason: 'exists_in_clerk' });
    expect(skipOf(context({ clerkUsers: [clerkUser({ externalId: 'u-someone-else' })] }))).toMatchObject({
      action: 'skip',
      reason: 'clerk_account_of_another_user',
    });
    expect(skipOf(context({ clerkUsers: [clerkUser()], clerkIdsLinkedLocally: new Set(['user_existing']) }))).toMatchObject({
      action: 'skip',
      reason: 'clerk_account_linked_to_another_user',
    });
  });
});

describe('planBatch with accounts already held locally', () => {
  it('skips a Clerk account carrying our user_id when another local user already holds it', () => {
    const ours = clerkUser({ id: 'user_ours', externalId: 'u-1' });
    const ctx = context({ clerkUsers: [ours], clerkIdsLinkedLocally: new Set(['user_ours']) });
    expect(planOne(user(), ctx)).toMatchObject({
      action: 'skip',
      reason: 'clerk_account_linked_to_another_user',
      clerkUserId: 'user_ours',
    });
  });
});

describe('plannedUserView', () => {
  it('shows the hasher of a create and never its digest', () => {
    const view = plannedUserView(planOne(user()));
    expect(view).toMatchObject({ action: 'create', passwordHasher: 'bcrypt' });
    expect(view).not.toHaveProperty('password');
    expect(JSON.stringify(view)).not.toContain(HASH);
  });

  it('adds no hasher to a user with nothing to import', () => {
    expect(plannedUserView(planOne(user({ passwordHash: null })))).not.toHaveProperty('passwordHasher');
  });
});
