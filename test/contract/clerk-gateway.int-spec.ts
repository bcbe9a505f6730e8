import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { hashSync } from '@node-rs/bcrypt';
import { randomUUID } from 'node:crypto';
import type { ClerkConfig } from '../../src/config/clerk.config.js';
import { ClerkErrorKind, ClerkGatewayError } from '../../src/clerk/clerk-gateway.error.js';
import { ClerkSdkGateway } from '../../src/clerk/clerk-sdk.gateway.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { emulatorClerkConfig } from '../utils/clerk-config.js';
import { rejectionOf } from '../utils/rejection.js';

let emulator: ClerkEmulator;
const digest = hashSync('s3cret-password', 4);
const newEmail = () => `gw-${randomUUID()}@example.com`;

function config(env: Record<string, string | undefined> = {}): ClerkConfig {
  return emulatorClerkConfig(emulator, env);
}

const failure = (promise: Promise<unknown>) =>
  rejectionOf(promise, (error): error is ClerkGatewayError => error instanceof ClerkGatewayError, 'ClerkGatewayError');

beforeAll(async () => {
  emulator = await startClerkEmulator({ rateLimit: false });
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

describe('ClerkSdkGateway operations', () => {
  it('creates a user that signs in with the old password, and finds it every way', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const email = newEmail();
    const externalId = randomUUID();
    const user = await gateway.createUser({
      externalId,
      email: email.toUpperCase(),
      firstName: 'Ada',
      lastName: 'Lovelace',
      password: { digest, hasher: 'bcrypt' },
    });
    expect(user).toMatchObject({ externalId, primaryEmail: email, emails: [{ address: email, verified: true }], firstName: 'Ada' });
    expect(await gateway.findUsersByEmails([email, newEmail()])).toEqual([user]);
    expect(await gateway.findUsersByExternalIds([externalId])).toEqual([user]);
    expect(await gateway.findUserByExternalId(externalId)).toEqual(user);
    expect(await gateway.findUserByExternalId('nobody')).toBeNull();
    expect(await gateway.getUser(user.id)).toEqual(user);
    expect((await emulator.signIn(email, 's3cret-password')).userId).toBe(user.id);
    expect((await gateway.getUser(user.id))?.lastSignInAt).toEqual(expect.any(Number));
    expect(await gateway.deleteUser(user.id)).toBe(true);
    expect(await gateway.deleteUser(user.id)).toBe(false);
    expect(await gateway.getUser(user.id)).toBeNull();
  });

  it('carries the sign-up time as created_at and the metadata as given, through the SDK', async () => {
    const createdAt = new Date('2019-03-14T15:09:26.535Z');
    const user = await ClerkSdkGateway.fromConfig(config()).createUser({
      externalId: randomUUID(),
      email: newEmail(),
      publicMetadata: { role: 'admin' },
      createdAt,
    });
    expect(user.createdAt).toBe(createdAt.getTime());
    expect(emulator.users()[0]).toMatchObject({ created_at: createdAt.getTime(), public_metadata: { role: 'admin' } });
  });

  it('refuses more than 100 lookups in one call', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    await expect(gateway.findUsersByEmails(Array.from({ length: 101 }, newEmail))).rejects.toThrow(RangeError);
  });

  it('reports an unverified pre-existing account as such', async () => {
    const email = newEmail();
    emulator.seedUser({ email, verified: false });
    const [found] = await ClerkSdkGateway.fromConfig(config()).findUsersByEmails([email]);
    expect(found.emails).toEqual([{ address: email, verified: false }]);
  });

  it('creates an invitation carrying our id', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const invitation = await gateway.createInvitation({
      email: newEmail(),
      notify: false,
      ignoreExisting: true,
      publicMetadata: { userId: 'u-1' },
    });
    expect(invitation).toMatchObject({ status: 'pending' });
    expect(emulator.invitations()[0]).toMatchObject({ publicMetadata: { userId: 'u-1' }, notify: false });
  });

  it('revokes a pending invitation once; an invitation no longer pending or unknown is not an error', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const invitation = await gateway.createInvitation({ email: newEmail(), notify: false, ignoreExisting: true });
    expect(await gateway.revokeInvitation(invitation.id)).toBe(true);
    expect(emulator.invitations()[0]).toMatchObject({ id: invitation.id, status: 'revoked' });
    expect(await gateway.revokeInvitation(invitation.id)).toBe(false);
    expect(await gateway.revokeInvitation('inv_unknown')).toBe(false);
    expect(emulator.requestCounts()['POST /v1/invitations/{invitation_id}/revoke']).toEqual({ '200': 1, '400': 1, '404': 1 });
  });

  it('sends an invitation once: a lost answer or a 429 is reported at once, never retried nor waited out', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    emulator.injectFault('lost_response', 1, 'POST /v1/invitations');
    const email = newEmail();
    expect(await failure(gateway.createInvitation({ email, notify: false, ignoreExisting: true }))).toMatchObject({
      kind: ClerkErrorKind.Transient,
    });
    emulator.injectFault('rate_limit', 1, 'POST /v1/invitations', 3600);
    const limited = await failure(gateway.createInvitation({ email: newEmail(), notify: false, ignoreExisting: true }));
    expect(limited).toMatchObject({ kind: ClerkErrorKind.RateLimited, retryAfterSeconds: 3600 });
    expect(emulator.requestCounts()['POST /v1/invitations']).toEqual({ lost_response: 1, '429': 1 });
    // Nothing else waits for the invitations' 429.
    await expect(gateway.countUsers()).resolves.toEqual(expect.any(Number));
  });

  it('finds the invitations of exactly one email, which is how a lost answer is reconciled', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const email = newEmail();
    const sent = await gateway.createInvitation({ email, notify: false, ignoreExisting: true });
    await gateway.createInvitation({ email: `x${email}`, notify: false, ignoreExisting: true });
    expect(await gateway.findInvitationsByEmail(email.toUpperCase())).toEqual([
      expect.objectContaining({ id: sent.id, status: 'pending' }),
    ]);
    await gateway.revokeInvitation(sent.id);
    expect(await gateway.findInvitationsByEmail(email)).toEqual([]);
  });

  it('sends up to ten invitations in one bulk request, and refuses a batch naming an existing user whole', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const emails = Array.from({ length: 10 }, () => newEmail());
    const sent = await gateway.createInvitationsInBulk(emails.map((email) => ({ email, notify: false, ignoreExisting: false })));
    expect(sent.map((invitation) => invitation.email).sort()).toEqual([...emails].sort());
    expect(emulator.requestCounts()['POST /v1/invitations/bulk']).toEqual({ '200': 1 });

    const tooMany = [...emails, newEmail()].map((email) => ({ email, notify: false, ignoreExisting: false }));
    await expect(gateway.createInvitationsInBulk(tooMany)).rejects.toThrow(RangeError);
    const existing = emulator.seedUser({ email: newEmail() });
    const refused = await failure(
      gateway.createInvitationsInBulk(
        [newEmail(), existing.email_addresses[0].email_address].map((email) => ({ email, notify: false, ignoreExisting: false })),
      ),
    );
    expect(refused.kind).not.toBe(ClerkErrorKind.Transient);
    expect(emulator.invitations()).toHaveLength(10);
  });

  it('keeps the private metadata of a created user, readable with the secret key', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const externalId = randomUUID();
    const marker = { migratedBy: 'clerk-migrate', runId: randomUUID() };
    const user = await gateway.createUser({ externalId, email: newEmail(), privateMetadata: marker });
    expect(user.privateMetadata).toEqual(marker);
    expect((await gateway.findUserByExternalId(externalId))?.privateMetadata).toEqual(marker);
  });

  it('sees a stale read as Clerk serves it: an empty list right after a write', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const externalId = randomUUID();
    await gateway.createUser({ externalId, email: newEmail() });
    emulator.injectFault('stale_read', 1, 'GET /v1/users');
    expect(await gateway.findUserByExternalId(externalId)).toBeNull();
    expect(await gateway.findUserByExternalId(externalId)).toMatchObject({ externalId });
  });
});

describe('ClerkSdkGateway errors and retries', () => {
  it('reports a taken email as a conflict, without retrying', async () => {
    const gateway = ClerkSdkGateway.fromConfig(config());
    const email = newEmail();
    await gateway.createUser({ externalId: randomUUID(), email });
    const err = await failure(gateway.createUser({ externalId: randomUUID(), email }));
    expect(err).toMatchObject({
      kind: ClerkErrorKind.Conflict,
      status: 422,
      clerkCode: 'form_identifier_exists',
      paramName: 'email_address',
    });
    expect(err.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(emulator.requestCounts()['POST /v1/users']).toEqual({ '200': 1, '422': 1 });
  });

  it('reports a bad digest as invalid, without retrying', async () => {
    const err = await failure(
      ClerkSdkGateway.fromConfig(config()).createUser({
        externalId: randomUUID(),
        email: newEmail(),
        password: { digest: 'plain', hasher: 'bcrypt' },
      }),
    );
    expect(err).toMatchObject({ kind: ClerkErrorKind.Invalid, clerkCode: 'form_password_digest_invalid_code' });
    expect(emulator.requestCounts()['POST /v1/users']).toEqual({ '422': 1 });
  });

  it('retries 5xx and dropped connections, then succeeds', async () => {
    emulator.injectFault('error_5xx', 1, 'GET /v1/users/{user_id}');
    emulator.injectFault('drop', 1, 'GET /v1/users/{user_id}');
    await expect(ClerkSdkGateway.fromConfig(config()).getUser('user_missing')).resolves.toBeNull();
    expect(emulator.requestCounts()['GET /v1/users/{user_id}']).toEqual({ '500': 1, dropped: 1, '404': 1 });
  });

  it('reports transient after the last attempt', async () => {
    emulator.injectFault('error_5xx', 3, 'GET /v1/users/{user_id}');
    const err = await failure(ClerkSdkGateway.fromConfig(config({ CLERK_MAX_ATTEMPTS: '3' })).getUser('user_x'));
    expect(err).toMatchObject({ kind: ClerkErrorKind.Transient, status: 500, clerkCode: 'internal_clerk_error' });
  });

  it('waits for Retry-After on a 429 and then succeeds', async () => {
    emulator.injectFault('rate_limit', 1, 'GET /v1/users/{user_id}', 1);
    const started = Date.now();
    await expect(ClerkSdkGateway.fromConfig(config()).getUser('user_x')).resolves.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(emulator.requestCounts()['GET /v1/users/{user_id}']).toEqual({ '429': 1, '404': 1 });
  });

  it('turns a create whose answer was lost into the user it created', async () => {
    emulator.injectFault('lost_response', 1, 'POST /v1/users');
    const externalId = randomUUID();
    const user = await ClerkSdkGateway.fromConfig(config()).createUser({
      externalId,
      email: newEmail(),
      password: { digest, hasher: 'bcrypt' },
    });
    expect(user.externalId).toBe(externalId);
    expect(emulator.users()).toHaveLength(1);
  });

  it('reports a wrong secret key as unauthorized, and a missing one as not configured', async () => {
    const wrong = await failure(ClerkSdkGateway.fromConfig(config({ CLERK_SECRET_KEY: 'sk_test_nope' })).getUser('user_x'));
    expect(wrong).toMatchObject({ kind: ClerkErrorKind.Unauthorized, status: 401, clerkCode: 'authentication_invalid' });
    const missing = await failure(ClerkSdkGateway.fromConfig(config({ CLERK_SECRET_KEY: undefined })).findUsersByEmails(['a@example.com']));
    expect(missing.kind).toBe(ClerkErrorKind.NotConfigured);
    expect(missing.message).toContain('CLERK_SECRET_KEY');
  });
});

describe('pacing against a rate-limited emulator', () => {
  it('holds the configured rate over a burst, so the emulator never answers 429', async () => {
    emulator.setRateLimit({ test: { requests: 12, windowMs: 1000 }, live: null });
    const gateway = ClerkSdkGateway.fromConfig(config({ CLERK_RATE_LIMIT: '10' }));
    const started = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, i) => gateway.getUser(`user_${i}`)));
    const elapsed = Date.now() - started;
    emulator.setRateLimit(false);
    expect(emulator.requestCounts()['GET /v1/users/{user_id}']).toEqual({ '404': 25 });
    expect(elapsed).toBeGreaterThanOrEqual(2300);
  });
});
