import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { hashSync } from '@node-rs/bcrypt';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClerkSdkGateway } from '../../src/clerk/clerk-sdk.gateway.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { DOCUMENTED_QUERY_PARAMS } from '../../tools/clerk-emulator/emulator-query-params.js';
import type { SpecExtract } from '../../tools/clerk-spec/clerk-spec.types.js';
import { bodyFieldNames, shapeProblems } from '../../tools/clerk-spec/shape-check.js';
import { emulatorClerkConfig } from '../utils/clerk-config.js';
import { startRecordingProxy, type Exchange } from './support/recording-proxy.js';

/**
 * The emulator against Clerk's published Backend API spec (`bapi/2026-05-12.yml`, through the
 * committed extract `npm run clerk:spec` writes): every request the gateway and the SDK calls we use
 * send is recorded on its way to the emulator, its parameters checked against the operation's
 * documented ones and the emulator's answer against the operation's response schema.
 */
const extract = JSON.parse(
  readFileSync(new URL('../../tools/clerk-emulator/clerk-spec.extract.json', import.meta.url), 'utf8'),
) as SpecExtract;
/** Operations the emulator does not serve (machine auth belongs to another part of the service). */
const NOT_EMULATED = ['POST /v1/api_keys/verify', 'POST /v1/m2m_tokens/verify'];
const APP = 'http://localhost:3000';

const templates = Object.keys(extract.operations).map((key) => {
  const [method, path] = key.split(' ');
  return { key, method, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`) };
});
const operationOf = (exchange: Exchange) =>
  templates.find((t) => t.method === exchange.method && t.pattern.test(exchange.path))?.key ?? `${exchange.method} ${exchange.path}`;

let emulator: ClerkEmulator;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let clerk: ClerkClient;

beforeAll(async () => {
  emulator = await startClerkEmulator({ rateLimit: false });
  proxy = await startRecordingProxy(emulator.url);
  clerk = createClerkClient({ secretKey: emulator.secretKey, apiUrl: proxy.url });
  await exerciseEveryOperation();
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});

async function exerciseEveryOperation(): Promise<void> {
  const gateway = ClerkSdkGateway.fromConfig(
    emulatorClerkConfig(emulator, {
      CLERK_API_URL: proxy.url,
      CLERK_AUTHORIZED_PARTIES: APP,
      CLERK_REQUEST_TIMEOUT_MS: '5000',
      CLERK_MAX_ATTEMPTS: '1',
      CLERK_RETRY_BASE_DELAY_MS: '0',
      CLERK_RETRY_MAX_DELAY_MS: '0',
    }),
  );
  const email = `spec-${randomUUID()}@example.com`;
  const user = await gateway.createUser({
    externalId: randomUUID(),
    email,
    firstName: 'Ada',
    lastName: 'Lovelace',
    password: { digest: hashSync('correct horse battery staple', 4), hasher: 'bcrypt' },
    publicMetadata: { role: 'user' },
    privateMetadata: { migratedBy: 'spec' },
    createdAt: new Date('2020-01-01T00:00:00Z'),
  });
  await gateway.findUsersByEmails([email]);
  await gateway.findUsersByExternalIds([user.externalId!]);
  await gateway.getUser(user.id);
  await gateway.countUsers();
  await clerk.users.updateUser(user.id, { externalId: randomUUID(), firstName: 'Grace' });
  await clerk.users.updateUserMetadata(user.id, { publicMetadata: { role: 'admin' }, privateMetadata: { note: null } });
  const invitation = await gateway.createInvitation({
    email: `invited-${randomUUID()}@example.com`,
    notify: false,
    ignoreExisting: true,
    publicMetadata: { user_id: 'u' },
  });
  await clerk.invitations.createInvitationBulk([
    { emailAddress: `bulk-${randomUUID()}@example.com`, notify: false, publicMetadata: { user_id: 'v' } },
  ]);
  await clerk.invitations.getInvitationList({ status: 'pending', query: 'invited' });
  await gateway.revokeInvitation(invitation.id);
  const signedIn = emulator.seedUser({ email: `session-${randomUUID()}@example.com`, password: 'pa55word!' });
  await gateway.verifySessionToken((await emulator.signIn(signedIn.email_addresses[0].email_address, 'pa55word!', APP)).token);
  await gateway.deleteUser(user.id);
}

describe('the emulator against Clerk’s Backend API spec', () => {
  it('was exercised on every operation the gateway uses', () => {
    const seen = new Set(proxy.exchanges.map(operationOf));
    const expected = Object.keys(extract.operations).filter((key) => !NOT_EMULATED.includes(key));
    expect(expected.filter((key) => !seen.has(key))).toEqual([]);
    expect(proxy.exchanges.filter((e) => e.status !== 200).map((e) => `${operationOf(e)} ${e.status}`)).toEqual([]);
  });

  it('answers every operation with fields of the documented schema and type, the required ones present', () => {
    const problems = proxy.exchanges.flatMap((exchange) => {
      const operation = extract.operations[operationOf(exchange)];
      // The SDK asks for a paginated list (`paginated=true`); the spec describes the bare array inside it.
      const answer = exchange.query.get('paginated') === 'true' ? (exchange.answer as { data: unknown[] }).data : exchange.answer;
      return shapeProblems(operation.response, answer, extract.schemas, operationOf(exchange));
    });
    expect(problems).toEqual([]);
  });

  it('is sent only documented parameters by the gateway and the SDK', () => {
    const problems = proxy.exchanges.flatMap((exchange) => {
      const key = operationOf(exchange);
      const operation = extract.operations[key];
      const documentedQuery = operation.query.map((p) => p.name);
      const query = [...exchange.query.keys()].map((name) => name.replace(/\[\]$/, '')).filter((name) => !documentedQuery.includes(name));
      const fields = bodyFieldNames(operation.body, extract.schemas) ?? [];
      const items = Array.isArray(exchange.body) ? exchange.body : exchange.body === undefined ? [] : [exchange.body];
      const body = items.flatMap((item) => Object.keys(item as object)).filter((name) => !fields.includes(name));
      return [...query.map((name) => `${key} ?${name}`), ...body.map((name) => `${key} .${name}`)];
    });
    expect(problems).toEqual([]);
  });

  it('sends every required body field', () => {
    const problems = proxy.exchanges.flatMap((exchange) => {
      const operation = extract.operations[operationOf(exchange)];
      if (!operation.body || exchange.body === undefined) return [];
      return shapeProblems(operation.body, exchange.body, extract.schemas, operationOf(exchange)).filter((p) => p.includes('required'));
    });
    expect(problems).toEqual([]);
  });

  it('refuses an undocumented parameter in a body or a query, as Clerk does', async () => {
    const user = emulator.seedUser({ email: `refuse-${randomUUID()}@example.com` });
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${emulator.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${emulator.secretKey}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, code: ((await res.json()) as { errors?: { code: string }[] }).errors?.[0]?.code }));
    const refused = { status: 422, code: 'form_param_unknown' };
    const address = () => `x-${randomUUID()}@example.com`;
    await expect(send('POST', '/v1/users', { email_address: [address()], undocumented_param: 1 })).resolves.toEqual(refused);
    await expect(send('PATCH', `/v1/users/${user.id}`, { undocumented_param: 1 })).resolves.toEqual(refused);
    await expect(send('PATCH', `/v1/users/${user.id}/metadata`, { undocumented_param: {} })).resolves.toEqual(refused);
    await expect(send('POST', '/v1/invitations', { email_address: address(), undocumented_param: 1 })).resolves.toEqual(refused);
    await expect(send('POST', '/v1/invitations/bulk', [{ email_address: address(), undocumented_param: 1 }])).resolves.toEqual(refused);
    for (const path of ['/v1/users', '/v1/users/count', '/v1/invitations', `/v1/users/${user.id}`]) {
      await expect(send('GET', `${path}?undocumented_param=1`)).resolves.toEqual(refused);
    }
  });

  it('knows the query parameters the spec documents, no more', () => {
    for (const [route, names] of Object.entries(DOCUMENTED_QUERY_PARAMS)) {
      expect([...names].sort()).toEqual(extract.operations[route].query.map((p) => p.name).sort());
    }
  });
});
