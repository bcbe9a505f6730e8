import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError, type ClerkAPIResponseError } from '@clerk/backend/errors';
import { hashSync } from '@node-rs/bcrypt';
import { randomUUID } from 'node:crypto';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { rejectionOf } from '../utils/rejection.js';

/** The real `@clerk/backend` client against the emulator: every operation we use and every error class. */
let emulator: ClerkEmulator;
let clerk: ClerkClient;
const digest = hashSync('correct horse battery staple', 4);
const email = () => `sdk-${randomUUID()}@Example.com`;

const failure = (promise: Promise<unknown>) =>
  rejectionOf<ClerkAPIResponseError>(promise, isClerkAPIResponseError, 'ClerkAPIResponseError');

beforeAll(async () => {
  emulator = await startClerkEmulator({ rateLimit: false });
  clerk = createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.url });
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

describe('users', () => {
  it('creates a user with an imported bcrypt digest and a verified email', async () => {
    const address = email();
    const externalId = randomUUID();
    const user = await clerk.users.createUser({
      externalId,
      emailAddress: [address],
      firstName: 'Ada',
      lastName: 'Lovelace',
      passwordDigest: digest,
      passwordHasher: 'bcrypt',
      skipPasswordChecks: true,
      publicMetadata: { userId: externalId },
    });
    expect(user.id).toMatch(/^user_[0-9A-Za-z]{27}$/);
    expect(user).toMatchObject({
      externalId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      passwordEnabled: true,
      publicMetadata: { userId: externalId },
    });
    expect(user.primaryEmailAddress?.emailAddress).toBe(address.toLowerCase());
    expect(user.primaryEmailAddress?.verification?.status).toBe('verified');
    expect(typeof user.createdAt).toBe('number');
    expect(emulator.users()[0].password_digest).toBe(digest);
    expect((await emulator.signIn(address, 'correct horse battery staple')).userId).toBe(user.id);
  });

  it('updates a password as digest and hasher together, and leaves it alone when the update names none', async () => {
    const address = email();
    const user = await clerk.users.createUser({
      emailAddress: [address],
      passwordDigest: digest,
      passwordHasher: 'bcrypt',
      skipPasswordChecks: true,
    });
    await clerk.users.updateUser(user.id, { firstName: 'Ada' });
    expect(emulator.users()[0]).toMatchObject({ first_name: 'Ada', password_digest: digest, password_hasher: 'bcrypt' });

    await clerk.users.updateUser(user.id, {
      passwordDigest: '5f4dcc3b5aa765d61d8327deb882cf99',
      passwordHasher: 'md5',
      skipPasswordChecks: true,
    });
    expect(emulator.users()[0]).toMatchObject({ password_digest: '5f4dcc3b5aa765d61d8327deb882cf99', password_hasher: 'md5' });
    expect((await emulator.signIn(address, 'password')).userId).toBe(user.id);
    // md5 is rehashed at the first sign-in, digest and hasher together.
    expect(emulator.users()[0]).toMatchObject({ password_hasher: 'bcrypt' });
    expect((await emulator.signIn(address, 'password')).userId).toBe(user.id);
  });

  it('lists by repeated email, external id and user id filters, case-insensitively, with the count', async () => {
    const [a, b, c] = [email(), email(), email()];
    const ua = await clerk.users.createUser({ emailAddress: [a], externalId: 'ext-a', skipPasswordRequirement: true });
    const ub = await clerk.users.createUser({ emailAddress: [b], externalId: 'ext-b', skipPasswordRequirement: true });
    await clerk.users.createUser({ emailAddress: [c], skipPasswordRequirement: true });

    const byEmail = await clerk.users.getUserList({ emailAddress: [a.toUpperCase(), b, 'nobody@example.com'], limit: 100 });
    expect(byEmail.data.map((u) => u.id).sort()).toEqual([ua.id, ub.id].sort());
    expect(byEmail.totalCount).toBe(2);
    expect((await clerk.users.getUserList({ externalId: ['ext-b'] })).data.map((u) => u.id)).toEqual([ub.id]);
    expect((await clerk.users.getUserList({ userId: [ua.id] })).data.map((u) => u.id)).toEqual([ua.id]);
    expect(await clerk.users.getCount()).toBe(3);
    expect((await clerk.users.getUserList({ limit: 1, offset: 1 })).data).toHaveLength(1);
  });

  it('accepts 100 filter values and refuses 101', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `n${i}@example.com`);
    await expect(clerk.users.getUserList({ emailAddress: hundred })).resolves.toMatchObject({ data: [] });
    const err = await failure(clerk.users.getUserList({ emailAddress: [...hundred, 'one-more@example.com'] }));
    expect(err.status).toBe(422);
  });

  it('gets, updates and deletes a user; a deleted user is not found', async () => {
    const created = await clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true });
    expect((await clerk.users.getUser(created.id)).id).toBe(created.id);
    expect((await clerk.users.updateUser(created.id, { firstName: 'Grace' })).firstName).toBe('Grace');
    const deleted = await clerk.users.deleteUser(created.id);
    expect(deleted).toMatchObject({ id: created.id, deleted: true, object: 'user' });
    const err = await failure(clerk.users.getUser(created.id));
    expect(err.status).toBe(404);
    expect(err.errors[0].code).toBe('resource_not_found');
    expect(err.clerkTraceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('Clerk rules', () => {
  it('refuses a taken email, whatever its case, with form_identifier_exists on email_address', async () => {
    const address = email();
    await clerk.users.createUser({ emailAddress: [address], skipPasswordRequirement: true });
    const err = await failure(clerk.users.createUser({ emailAddress: [address.toUpperCase()], skipPasswordRequirement: true }));
    expect(err.status).toBe(422);
    expect(err.errors[0]).toMatchObject({ code: 'form_identifier_exists', meta: expect.objectContaining({ paramName: 'email_address' }) });
  });

  it('refuses a taken external id', async () => {
    await clerk.users.createUser({ emailAddress: [email()], externalId: 'same', skipPasswordRequirement: true });
    const err = await failure(clerk.users.createUser({ emailAddress: [email()], externalId: 'same', skipPasswordRequirement: true }));
    expect(err.errors[0]).toMatchObject({ code: 'form_identifier_exists', meta: expect.objectContaining({ paramName: 'external_id' }) });
  });

  it('refuses a digest that is not bcrypt', async () => {
    const err = await failure(clerk.users.createUser({ emailAddress: [email()], passwordDigest: 'md5:abc', passwordHasher: 'bcrypt' }));
    expect(err.status).toBe(422);
    expect(err.errors[0].code).toBe('form_password_digest_invalid_code');
  });

  it.each([
    ['phpass', '$H$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0', 'form_password_digest_invalid_code'],
    ['md5', '5F4DCC3B5AA765D61D8327DEB882CF99', 'form_password_digest_invalid_code'],
    [
      'argon2id',
      '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8',
      'form_password_digest_invalid_code',
    ],
    ['md5_phpass', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0', 'form_param_value_invalid'],
  ] as const)(
    'refuses under %s a digest not in the form Clerk documents for it, or a hasher it does not verify',
    async (hasher, passwordDigest, code) => {
      const err = await failure(clerk.users.createUser({ emailAddress: [email()], passwordDigest, passwordHasher: hasher }));
      expect(err.errors[0].code).toBe(code);
      expect(emulator.users()).toHaveLength(0);
    },
  );

  it('refuses a created_at that is not an RFC 3339 date-time (the SDK sends a Date as one)', async () => {
    const response = await fetch(`${emulator.url}/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: [email()], skip_password_requirement: true, created_at: 'last Tuesday' }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors[0]).toMatchObject({ code: 'form_param_value_invalid', meta: { param_name: 'created_at' } });
  });

  it('refuses a name over 256 characters and a malformed email', async () => {
    const long = await failure(clerk.users.createUser({ emailAddress: [email()], firstName: 'x'.repeat(257) }));
    expect(long.errors[0]).toMatchObject({
      code: 'form_param_max_length_exceeded',
      meta: expect.objectContaining({ paramName: 'first_name' }),
    });
    const bad = await failure(clerk.users.createUser({ emailAddress: ['not-an-email'] }));
    expect(bad.errors[0].code).toBe('form_param_format_invalid');
  });

  it('answers 401 authentication_invalid to a wrong secret key', async () => {
    const stranger = createClerkClient({ secretKey: 'sk_test_wrong', apiUrl: emulator.url });
    const err = await failure(stranger.users.getCount());
    expect(err.status).toBe(401);
    expect(err.errors[0].code).toBe('authentication_invalid');
  });
});

describe('invitations', () => {
  it('creates an invitation, refuses a second pending one unless ignore_existing', async () => {
    const address = email();
    const invitation = await clerk.invitations.createInvitation({
      emailAddress: address,
      notify: false,
      publicMetadata: { userId: 'u1' },
      redirectUrl: 'https://app.example.com/welcome',
    });
    expect(invitation).toMatchObject({ emailAddress: address.toLowerCase(), status: 'pending', publicMetadata: { userId: 'u1' } });
    expect(invitation.id).toMatch(/^inv_/);
    const err = await failure(clerk.invitations.createInvitation({ emailAddress: address }));
    expect(err.status).toBe(422);
    await expect(clerk.invitations.createInvitation({ emailAddress: address, ignoreExisting: true })).resolves.toMatchObject({
      status: 'pending',
    });
  });
});

describe('rate limits and faults', () => {
  it('answers 429 with Retry-After once the key has spent its window, JWKS excepted', async () => {
    emulator.setRateLimit({ test: { requests: 2, windowMs: 1000 }, live: null });
    await clerk.users.getCount();
    await clerk.users.getCount();
    const err = await failure(clerk.users.getCount());
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(1);
    const jwks = await fetch(`${emulator.url}/v1/jwks`, { headers: { Authorization: `Bearer ${emulator.secretKey}` } });
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('content-type')).toBe('application/json');
    const live = createClerkClient({ secretKey: emulator.liveSecretKey!, apiUrl: emulator.url });
    await expect(live.users.getCount()).resolves.toBe(0);
    emulator.setRateLimit(false);
  });

  it('answers an injected 5xx in the error envelope with a trace id', async () => {
    emulator.injectFault('error_5xx', 1, 'GET /v1/users/count');
    const err = await failure(clerk.users.getCount());
    expect(err.status).toBe(500);
    expect(err.clerkTraceId).toMatch(/^[0-9a-f]{32}$/);
    await expect(clerk.users.getCount()).resolves.toBe(0);
  });

  it('drops a connection: the SDK reports an error without a status', async () => {
    emulator.injectFault('drop');
    const err = await failure(clerk.users.getCount());
    // Outside Jest's VM the SDK also adds an `unexpected_error` entry; inside it, the fetch
    // TypeError comes from another realm and the entry is left out. No status either way.
    expect(err.status).toBeUndefined();
    expect(err.errors.every((e) => e.code === 'unexpected_error')).toBe(true);
  });

  it('creates the user and then loses the answer', async () => {
    emulator.injectFault('lost_response', 1, 'POST /v1/users');
    const err = await failure(clerk.users.createUser({ emailAddress: [email()], externalId: 'lost-1', skipPasswordRequirement: true }));
    expect(err.status).toBeUndefined();
    expect(emulator.users().map((u) => u.external_id)).toEqual(['lost-1']);
    expect(emulator.requestCounts()['POST /v1/users']).toEqual({ lost_response: 1 });
  });
});
