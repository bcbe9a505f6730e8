import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError, type ClerkAPIResponseError } from '@clerk/backend/errors';
import { randomUUID } from 'node:crypto';
import { CLERK_ENDPOINT_LIMITS, DEVELOPMENT_USER_CAP, startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { rejectionOf } from '../utils/rejection.js';

/** The emulator's per-endpoint limits, bulk invitations, the invitation list and the development user cap, through the real SDK. */
let emulator: ClerkEmulator;
let clerk: ClerkClient;
let live: ClerkClient;
const email = () => `limits-${randomUUID()}@example.com`;

const failure = (promise: Promise<unknown>) =>
  rejectionOf<ClerkAPIResponseError>(promise, isClerkAPIResponseError, 'ClerkAPIResponseError');

beforeAll(async () => {
  // An hour lasts 3.6 s; the instance-wide limit is off so that only the per-endpoint ones speak.
  emulator = await startClerkEmulator({ rateLimit: false, timeScale: 1000 });
  clerk = createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.url });
  live = createClerkClient({ secretKey: emulator.liveSecretKey!, apiUrl: emulator.url });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.reset();
  emulator.setEndpointLimits(CLERK_ENDPOINT_LIMITS, 1000);
});

describe('per-endpoint limits', () => {
  it('allows 100 invitations an hour, then answers 429 with a Retry-After within the (scaled) hour, and creates go on', async () => {
    for (let i = 0; i < 100; i += 1) await clerk.invitations.createInvitation({ emailAddress: email(), notify: false });
    const refused = await failure(clerk.invitations.createInvitation({ emailAddress: email(), notify: false }));
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfter).toBeLessThanOrEqual(4);
    await expect(clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true })).resolves.toBeDefined();
    // Each secret key has its own count.
    await expect(live.invitations.createInvitation({ emailAddress: email(), notify: false })).resolves.toBeDefined();
    expect(emulator.requestCounts()['POST /v1/invitations']).toEqual({ '200': 101, '429': 1 });
  });

  it('limits updates to 10 per 10 s per user, each user on their own', async () => {
    // At the time scale of 1000, 10 s would last 10 ms: this test runs at Clerk's own pace.
    emulator.setEndpointLimits(CLERK_ENDPOINT_LIMITS, 1);
    const [a, b] = await Promise.all([0, 1].map(() => clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true })));
    for (let i = 0; i < 10; i += 1) await clerk.users.updateUser(a.id, { firstName: `Ada ${i}` });
    expect((await failure(clerk.users.updateUser(a.id, { firstName: 'Ada 11' }))).status).toBe(429);
    expect((await failure(clerk.users.updateUserMetadata(a.id, { publicMetadata: { role: 'x' } }))).status).toBe(429);
    await expect(clerk.users.updateUser(b.id, { firstName: 'Grace' })).resolves.toMatchObject({ firstName: 'Grace' });
  });
});

describe('bulk invitations', () => {
  it('creates up to 10 at once, refuses 11, and refuses a whole batch naming an existing user', async () => {
    const ten = Array.from({ length: 10 }, () => ({ emailAddress: email(), notify: false }));
    const created = await clerk.invitations.createInvitationBulk(ten);
    expect(created.map((i) => i.emailAddress)).toEqual(ten.map((i) => i.emailAddress));
    const eleven = Array.from({ length: 11 }, () => ({ emailAddress: email() }));
    expect((await failure(clerk.invitations.createInvitationBulk(eleven))).status).toBe(422);
    const existing = await clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true });
    const batch = [{ emailAddress: email() }, { emailAddress: existing.emailAddresses[0].emailAddress, ignoreExisting: true }];
    const refused = await failure(clerk.invitations.createInvitationBulk(batch));
    expect(refused.errors[0]).toMatchObject({ code: 'form_identifier_exists' });
    expect(emulator.invitations()).toHaveLength(10);
  });

  it('allows 25 bulk requests an hour', async () => {
    for (let i = 0; i < 25; i += 1) await clerk.invitations.createInvitationBulk([{ emailAddress: email(), notify: false }]);
    expect((await failure(clerk.invitations.createInvitationBulk([{ emailAddress: email() }]))).status).toBe(429);
  });
});

describe('the invitation list', () => {
  it('filters by status and by part of the address, without revoked ones unless asked', async () => {
    const [kept, revoked, other] = await Promise.all(
      ['keep-me', 'revoke-me', 'someone'].map((name) =>
        clerk.invitations.createInvitation({ emailAddress: `${name}-${randomUUID()}@example.com`, notify: false }),
      ),
    );
    await clerk.invitations.revokeInvitation(revoked.id);
    const all = await clerk.invitations.getInvitationList();
    expect(all.totalCount).toBe(2);
    expect(all.data.map((i) => i.id).sort()).toEqual([kept.id, other.id].sort());
    const found = await clerk.invitations.getInvitationList({ query: 'keep-me', status: 'pending' });
    expect(found.data.map((i) => i.id)).toEqual([kept.id]);
    const gone = await clerk.invitations.getInvitationList({ status: 'revoked' });
    expect(gone.data.map((i) => i.id)).toEqual([revoked.id]);
    expect((await clerk.invitations.getInvitationList({ query: revoked.id, status: 'revoked' })).totalCount).toBe(1);
  });
});

describe("a development instance's user cap", () => {
  it(`refuses the ${DEVELOPMENT_USER_CAP + 1}st user of an sk_test_ key, not of an sk_live_ one`, async () => {
    for (let i = 0; i < DEVELOPMENT_USER_CAP; i += 1) emulator.seedUser({ email: email() });
    const refused = await failure(clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true }));
    expect(refused.status).toBe(422);
    expect(refused.errors[0]).toMatchObject({ code: 'user_quota_exceeded' });
    await expect(live.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true })).resolves.toBeDefined();
  });

  it('can be lifted for tests that need more users', async () => {
    const roomy = await startClerkEmulator({ rateLimit: false, developmentUserCap: false });
    try {
      for (let i = 0; i < DEVELOPMENT_USER_CAP; i += 1) roomy.seedUser({ email: email() });
      const client = createClerkClient({ secretKey: roomy.secretKey, apiUrl: roomy.url });
      await expect(client.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true })).resolves.toBeDefined();
    } finally {
      await roomy.stop();
    }
  });
});

describe('metadata updates', () => {
  it('merges deeply and removes a key set to null', async () => {
    const user = await clerk.users.createUser({
      emailAddress: [email()],
      skipPasswordRequirement: true,
      publicMetadata: { role: 'user', prefs: { theme: 'dark', lang: 'en' } },
    });
    const updated = await clerk.users.updateUserMetadata(user.id, { publicMetadata: { role: null, prefs: { lang: 'fr' } } });
    expect(updated.publicMetadata).toEqual({ prefs: { theme: 'dark', lang: 'fr' } });
  });
});
