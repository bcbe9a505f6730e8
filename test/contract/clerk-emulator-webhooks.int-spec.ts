import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClerkClient, verifyToken, type ClerkClient } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { randomUUID } from 'node:crypto';
import { generateWebhookSecret, startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver.js';

/** The emulator's webhooks, received over HTTP and checked with `@clerk/backend`'s own verification. */
let emulator: ClerkEmulator;
let clerk: ClerkClient;
let receiver: WebhookReceiver;
const APP = 'http://localhost:3000';
const email = () => `hook-${randomUUID()}@example.com`;

async function delivered(count: number): Promise<ReceivedWebhook[]> {
  await emulator.webhooksIdle(5000);
  expect(receiver.types()).toHaveLength(count);
  return receiver.received;
}

/** `@clerk/backend` accepts the delivery as Clerk's own and hands back the event. */
function verified(delivery: ReceivedWebhook, signingSecret = emulator.webhookSecret) {
  return verifyWebhook(receiver.request(delivery), { signingSecret });
}

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  emulator = await startClerkEmulator({ rateLimit: false, webhooks: { url: receiver.url, retryDelaysMs: [20, 20] } });
  clerk = createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.url });
});
afterAll(async () => {
  await emulator.stop();
  await receiver.stop();
});
beforeEach(() => {
  emulator.reset();
  emulator.configureWebhooks({ url: receiver.url, retryDelaysMs: [20, 20], ordering: 'strict' });
  receiver.clear();
});

describe('events from the Backend API', () => {
  it('sends user.created, user.updated and user.deleted with the User the API answered, signed the Svix way', async () => {
    const externalId = randomUUID();
    const created = await clerk.users.createUser({ emailAddress: [email()], externalId, firstName: 'Ada', skipPasswordRequirement: true });
    await clerk.users.updateUser(created.id, { lastName: 'Lovelace' });
    await clerk.users.deleteUser(created.id);
    const [create, update, remove] = await delivered(3);
    const events = await Promise.all([create, update, remove].map((d) => verified(d)));

    expect(events.map((e) => e.type)).toEqual(['user.created', 'user.updated', 'user.deleted']);
    expect(create.event).toMatchObject({
      object: 'event',
      type: 'user.created',
      instance_id: expect.stringMatching(/^ins_/),
      timestamp: expect.any(Number),
      event_attributes: { http_request: { client_ip: '127.0.0.1', user_agent: expect.stringContaining('@clerk/backend') } },
      data: { object: 'user', id: created.id, external_id: externalId, first_name: 'Ada', created_at: created.createdAt },
    });
    expect(create.event.timestamp).toBeGreaterThan(1e12);
    expect(update.event.data).toMatchObject({
      id: created.id,
      last_name: 'Lovelace',
      email_addresses: [expect.objectContaining({ object: 'email_address' })],
    });
    expect(update.event.data.updated_at).toBeGreaterThan(create.event.data.updated_at as number);
    expect(remove.event.data).toEqual({ object: 'user', id: created.id, deleted: true });
    expect(create.headers).toMatchObject({ 'svix-id': expect.stringMatching(/^msg_/), 'content-type': 'application/json' });
    expect(create.headers['svix-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('refuses, through @clerk/backend, a delivery checked against another secret or with a changed body', async () => {
    await clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true });
    const [delivery] = await delivered(1);
    await expect(verified(delivery, generateWebhookSecret())).rejects.toThrow(/Unable to verify/);
    await expect(verified({ ...delivery, body: delivery.body.replace('"user.created"', '"user.deleted"') })).rejects.toThrow(
      /Unable to verify/,
    );
  });

  it('carries in user.created exactly the JSON the Backend API answered', async () => {
    const res = await fetch(`${emulator.url}/v1/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email_address: [email()], public_metadata: { role: 'admin' }, skip_password_requirement: true }),
    });
    const [delivery] = await delivered(1);
    expect(delivery.event.data).toEqual(await res.json());
  });

  it('sends nothing for reads or failed writes', async () => {
    const user = await clerk.users.createUser({ emailAddress: [email()], skipPasswordRequirement: true });
    await clerk.users.getUser(user.id);
    await expect(clerk.users.createUser({ emailAddress: [user.emailAddresses[0].emailAddress] })).rejects.toThrow();
    expect((await delivered(1)).map((d) => d.event.type)).toEqual(['user.created']);
  });
});

describe('events from the people and the dashboard', () => {
  it('makes a Clerk-native user at sign-up: user.created then session.created, and a session token @clerk/backend accepts', async () => {
    const address = email();
    const { userId, sessionId, token } = emulator.signUp({ email: address, password: 'a new passw0rd', firstName: 'Nia', azp: APP });
    const [user, session] = await delivered(2);
    expect(receiver.types()).toEqual(['user.created', 'session.created']);
    await verified(user);
    await verified(session);

    expect(user.event.data).toMatchObject({ id: userId, external_id: null, first_name: 'Nia', password_enabled: true });
    expect(user.event.data.email_addresses).toEqual([
      expect.objectContaining({ email_address: address, verification: expect.objectContaining({ status: 'verified' }) }),
    ]);
    expect(session.event.data).toMatchObject({
      object: 'session',
      id: sessionId,
      user_id: userId,
      client_id: expect.stringMatching(/^client_/),
      status: 'active',
      user: expect.objectContaining({ id: userId }),
    });
    for (const key of ['last_active_at', 'expire_at', 'abandon_at', 'created_at', 'updated_at']) {
      expect(session.event.data[key]).toEqual(expect.any(Number));
    }
    const claims = await verifyToken(token, { secretKey: emulator.secretKey, apiUrl: emulator.url, authorizedParties: [APP] });
    expect(claims).toMatchObject({ sub: userId, sid: sessionId, azp: APP });
    expect(emulator.signIn(address, 'a new passw0rd').userId).toBe(userId);
  });

  it('sends session.created at every sign-in and user.created for a seeded user', async () => {
    const seeded = emulator.seedUser({ email: email(), password: 'pa55word!' });
    emulator.signIn(seeded.email_addresses[0].email_address, 'pa55word!');
    emulator.signIn(seeded.email_addresses[0].email_address, 'pa55word!');
    const deliveries = await delivered(3);
    expect(receiver.types()).toEqual(['user.created', 'session.created', 'session.created']);
    expect(deliveries[1].event.data.id).not.toBe(deliveries[2].event.data.id);
    expect(deliveries.map((d) => d.event.event_attributes)).toEqual(
      Array(3).fill({ http_request: { client_ip: '127.0.0.1', user_agent: 'clerk-emulator' } }),
    );
  });

  it('sends user.updated for a dashboard edit, with the new primary email, and user.deleted for a dashboard deletion', async () => {
    const { userId } = emulator.signUp({ email: email() });
    const address = email();
    emulator.editUser(userId, { email: address, lastName: 'Edited', publicMetadata: { role: 'admin' }, unsafeMetadata: { theme: 'dark' } });
    emulator.editUser(userId, { firstName: 'Again' });
    emulator.deleteUser(userId);
    const [created, , edit, again, removed] = await delivered(5);
    expect(receiver.types()).toEqual(['user.created', 'session.created', 'user.updated', 'user.updated', 'user.deleted']);
    const data = edit.event.data;
    expect(data).toMatchObject({ last_name: 'Edited', public_metadata: { role: 'admin' }, unsafe_metadata: { theme: 'dark' } });
    expect(data.email_addresses).toEqual([expect.objectContaining({ id: data.primary_email_address_id, email_address: address })]);
    const stamps = [created, edit, again].map((d) => d.event.data.updated_at as number);
    expect(stamps[1]).toBeGreaterThan(stamps[0]);
    expect(stamps[2]).toBeGreaterThan(stamps[1]);
    expect(removed.event.data).toEqual({ object: 'user', id: userId, deleted: true });
  });
});

describe('delivery', () => {
  it('retries an endpoint that answers 500 twice: three attempts, one svix-id, each signed afresh, the next events behind', async () => {
    receiver.answer(500, 500);
    const { userId } = emulator.signUp({ email: email() });
    emulator.deleteUser(userId);
    const deliveries = await delivered(5);
    expect(receiver.types()).toEqual(['user.created', 'user.created', 'user.created', 'session.created', 'user.deleted']);
    const created = deliveries.slice(0, 3);
    expect(new Set(created.map((d) => d.headers['svix-id'])).size).toBe(1);
    for (const attempt of created) await verified(attempt);
    expect(emulator.webhookDeliveries()).toEqual([
      expect.objectContaining({ type: 'user.created', clerkUserId: userId, attempts: 3, status: 'delivered', lastStatus: 200 }),
      expect.objectContaining({ type: 'session.created', attempts: 1, status: 'delivered' }),
      expect.objectContaining({ type: 'user.deleted', attempts: 1, status: 'delivered' }),
    ]);
  });

  it('marks an event failed once the retries are used up', async () => {
    receiver.answer(503, 503, 503);
    emulator.seedUser({ email: email() });
    await delivered(3);
    expect(emulator.webhookDeliveries()).toEqual([expect.objectContaining({ attempts: 3, status: 'failed', lastStatus: 503 })]);
  });

  it('duplicates, reorders and drops events on request', async () => {
    emulator.injectWebhookFault('duplicate');
    const a = emulator.seedUser({ email: email() });
    emulator.injectWebhookFault('reorder');
    emulator.editUser(a.id, { firstName: 'First' });
    emulator.editUser(a.id, { firstName: 'Second' });
    emulator.injectWebhookFault('drop');
    emulator.deleteUser(a.id);
    const deliveries = await delivered(4);
    expect(deliveries.map((d) => [d.event.type, d.event.data.first_name])).toEqual([
      ['user.created', null],
      ['user.created', null],
      ['user.updated', 'Second'],
      ['user.updated', 'First'],
    ]);
    expect(deliveries[0].headers['svix-id']).toBe(deliveries[1].headers['svix-id']);
    expect(emulator.webhookDeliveries().map((d) => [d.type, d.status])).toEqual([
      ['user.created', 'delivered'],
      ['user.updated', 'delivered'],
      ['user.updated', 'delivered'],
      ['user.deleted', 'dropped'],
    ]);
  });

  it('stops with a retry pending, leaving nothing alive, under Svix’s own schedule', async () => {
    const other = await startClerkEmulator({ rateLimit: false, webhooks: { url: receiver.url } });
    receiver.answer(500);
    other.seedUser({ email: email() });
    await expect(other.webhooksIdle(200)).rejects.toThrow(/still pending/);
    expect(other.webhookDeliveries()).toEqual([expect.objectContaining({ status: 'pending', attempts: 1, lastStatus: 500 })]);
    const waiting = other.webhooksIdle(60_000);
    await other.stop();
    await expect(waiting).rejects.toThrow(/stopped/);
  });

  it('sends nothing, and records nothing, with no URL', async () => {
    emulator.configureWebhooks({ url: null });
    try {
      emulator.signUp({ email: email() });
      await emulator.webhooksIdle(1000);
      expect(emulator.webhookDeliveries()).toEqual([]);
      expect(receiver.received).toEqual([]);
    } finally {
      emulator.configureWebhooks({ url: receiver.url });
    }
  });
});

describe('admin routes', () => {
  async function admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${emulator.url}/__emulator${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('configures, signs up, edits, deletes, injects faults and lists deliveries over HTTP', async () => {
    const secret = generateWebhookSecret();
    expect((await admin('PUT', '/webhooks', { url: receiver.url, secret, retry_delays_ms: [10] })).body).toEqual({
      url: receiver.url,
      secret,
      retry_delays_ms: [10],
      ordering: 'strict',
    });
    const signUp = await admin('POST', '/sign-up', { email: email(), first_name: 'Ola', public_metadata: { role: 'user' } });
    expect(signUp.body).toEqual({
      user_id: expect.stringMatching(/^user_/),
      session_id: expect.stringMatching(/^sess_/),
      token: expect.any(String),
    });
    const userId = signUp.body.user_id as string;
    expect((await admin('PATCH', `/users/${userId}`, { last_name: 'Nordmann' })).body).toMatchObject({ id: userId, last_name: 'Nordmann' });
    expect((await admin('POST', '/webhooks/faults', { kind: 'drop', count: 1 })).body).toEqual({ kind: 'drop', count: 1 });
    expect((await admin('DELETE', `/users/${userId}`)).body).toEqual({ object: 'user', id: userId, deleted: true });
    expect((await admin('POST', '/webhooks/idle', { timeout_ms: 5000 })).body).toEqual({ idle: true, pending: 0 });

    const listed = await admin('GET', '/webhooks');
    expect((listed.body.deliveries as { type: string; status: string }[]).map((d) => [d.type, d.status])).toEqual([
      ['user.created', 'delivered'],
      ['session.created', 'delivered'],
      ['user.updated', 'delivered'],
      ['user.deleted', 'dropped'],
    ]);
    expect(receiver.types()).toEqual(['user.created', 'session.created', 'user.updated']);
    for (const delivery of receiver.received) await verified(delivery, secret);
    expect(receiver.received[0].event.event_attributes).toEqual({
      http_request: { client_ip: '127.0.0.1', user_agent: expect.any(String) },
    });
    expect((await admin('POST', '/webhooks/faults', { kind: 'explode' })).status).toBe(422);
    expect((await admin('DELETE', `/users/${userId}`)).status).toBe(404);
  });

  it('answers idle: false with what is pending when the wait runs out', async () => {
    await admin('PUT', '/webhooks', { url: receiver.url, retry_delays_ms: [60_000] });
    receiver.answer(500);
    await admin('POST', '/users', { email_address: [email()] });
    expect((await admin('POST', '/webhooks/idle', { timeout_ms: 50 })).body).toEqual({ idle: false, pending: 1 });
  });
});
