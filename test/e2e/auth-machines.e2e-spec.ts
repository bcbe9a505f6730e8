import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClerkClient } from '@clerk/backend';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUser } from '../factories/user.factory.js';
import { startAuthWorld, type AuthWorld } from '../utils/auth-world.js';

const ADMIN_MACHINE = 'mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk';
const OTHER_MACHINE = 'mch_2yGkLpQ7Y3rXSwtU24CzTk9I7Em';
/** Seconds a verdict is remembered in this world: short, so that its expiry can be seen, yet long enough for a burst on a busy machine. */
const CACHE_SECONDS = 8;
const FLOOD_LIMIT = 10;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('machines: Clerk API keys and M2M tokens, with legacy login off', () => {
  let world: AuthWorld;
  let clerk: ClerkEmulator;

  beforeAll(async () => {
    world = await startAuthWorld({
      LEGACY_AUTH_ENABLED: 'false',
      LEGACY_JWT_SECRET: undefined,
      CLERK_ADMIN_MACHINES: ADMIN_MACHINE,
      CLERK_MACHINE_TOKEN_CACHE_SECONDS: String(CACHE_SECONDS),
      CLERK_RATE_LIMIT: '1000',
      CLERK_MAX_ATTEMPTS: '2',
      CLERK_RETRY_BASE_DELAY_MS: '1',
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES_PER_IP: String(FLOOD_LIMIT),
    });
    clerk = world.clerk;
  });
  afterAll(() => world.close());

  /** A linked user of this role, and an API key of theirs issued through Clerk's own Backend API (the real SDK). */
  async function userWithKey(role: string, scopes: string[] = []) {
    const { local, clerkId } = await world.linkedClerkUser({ role });
    const sdk = createClerkClient({ secretKey: clerk.secretKey, apiUrl: clerk.url });
    const key = await sdk.apiKeys.create({ name: `ci of ${role}`, subject: clerkId, scopes });
    return { local, clerkId, keyId: key.id, secret: key.secret! };
  }

  const verifyCalls = (route: string) => Object.values(clerk.requestCounts()[route] ?? {}).reduce((sum, n) => sum + n, 0);

  it('an admin’s API key acts as the admin on operator routes, but is no person at /users/me', async () => {
    const { secret } = await userWithKey('admin');
    await world.http().get('/migration/runs').set(bearer(secret)).expect(200);
    await world.http().get('/audit').set(bearer(secret)).expect(200);
    const me = await world.http().get('/users/me').set(bearer(secret)).expect(403);
    expect(me.body).toMatchObject({ statusCode: 403, code: 'not_a_person' });
  });

  it('a key changes nothing without the route’s scope, and the audit row then names the key, not its secret', async () => {
    const unscoped = await userWithKey('admin');
    const target = await insertUser(world.db.pool);
    const refused = await world.http().post('/migration/runs').set(bearer(unscoped.secret)).send({ email: target.email }).expect(403);
    expect(refused.body.code).toBe('insufficient_scope');

    const scoped = await userWithKey('admin', ['migration:write']);
    await world.http().post('/migration/runs').set(bearer(scoped.secret)).send({ email: target.email }).expect(202);
    const { rows } = await world.db.pool.query(
      `SELECT actor, details::text FROM audit_logs WHERE action = 'migration.run.started' AND actor LIKE 'api_key:%'`,
    );
    expect(rows.map((r) => r.actor)).toContain(`api_key:${scoped.keyId}`);
    expect(JSON.stringify(rows)).not.toContain(scoped.secret);
  });

  it('a user’s API key reaches what the user may: 403 on operator routes for a non-admin', async () => {
    const { secret } = await userWithKey('user');
    const res = await world.http().get('/migration/runs').set(bearer(secret)).expect(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('refuses a revoked key, and a key whose owner is not a user here', async () => {
    const revoked = await userWithKey('admin');
    await createClerkClient({ secretKey: clerk.secretKey, apiUrl: clerk.url }).apiKeys.revoke({ apiKeyId: revoked.keyId });
    const gone = await world.http().get('/migration/runs').set(bearer(revoked.secret)).expect(401);
    expect(gone.body.code).toBe('invalid_token');

    const stranger = clerk.seedUser({ email: `stranger-${Date.now()}@example.com` });
    const orphan = clerk.machineAuth.createApiKey({ subject: stranger.id, name: 'orphan key' });
    const res = await world.http().get('/migration/runs').set(bearer(orphan.secret)).expect(401);
    expect(res.body.code).toBe('api_key_owner_unknown');
  });

  it('asks Clerk once for a hundred requests with one key, and again once the verdict has expired', async () => {
    const { secret, keyId } = await userWithKey('admin');
    const before = verifyCalls('POST /api_keys/verify');
    const answers = await Promise.all(Array.from({ length: 100 }, () => world.http().get('/migration/runs').set(bearer(secret))));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(verifyCalls('POST /api_keys/verify')).toBe(before + 1);
    // Through the pacer, like every other Clerk call: counted under its own operation name.
    const metrics = await world.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/clerk_migrate_clerk_requests_total\{operation="api_keys\.verify",status="ok"\} [1-9]/);

    // Revoked at Clerk: the remembered verdict holds until it expires, then Clerk's word is taken again.
    await createClerkClient({ secretKey: clerk.secretKey, apiUrl: clerk.url }).apiKeys.revoke({ apiKeyId: keyId });
    await world.http().get('/migration/runs').set(bearer(secret)).expect(200);
    await sleep(CACHE_SECONDS * 1000 + 200);
    await world.http().get('/migration/runs').set(bearer(secret)).expect(401);
    expect(verifyCalls('POST /api_keys/verify')).toBe(before + 2);
  });

  it('never remembers a verdict past the token’s own expiry', async () => {
    const token = clerk.machineAuth.createM2mToken({ machineId: ADMIN_MACHINE, secondsUntilExpiration: 2 });
    await world.http().get('/audit').set(bearer(token.token)).expect(200);
    await sleep(Math.max(0, token.expiration! - Date.now()) + 300);
    await world.http().get('/audit').set(bearer(token.token)).expect(401);
  });

  it('an M2M token is an operator only when its machine is listed; others get 403 there', async () => {
    const admin = clerk.machineAuth.createM2mToken({ machineId: ADMIN_MACHINE, claims: { permissions: ['migration:write'] } });
    await world.http().get('/migration/runs').set(bearer(admin.token)).expect(200);
    const target = await insertUser(world.db.pool);
    await world.http().post('/migration/runs').set(bearer(admin.token)).send({ email: target.email }).expect(202);
    const { rows } = await world.db.pool.query(`SELECT actor FROM audit_logs WHERE action = 'migration.run.started' AND actor = $1`, [
      `machine:${ADMIN_MACHINE}`,
    ]);
    expect(rows).toHaveLength(1);
    expect((await world.http().get('/users/me').set(bearer(admin.token)).expect(403)).body.code).toBe('not_a_person');

    const other = clerk.machineAuth.createM2mToken({ machineId: OTHER_MACHINE });
    expect((await world.http().get('/migration/runs').set(bearer(other.token)).expect(403)).body.code).toBe('forbidden');
  });

  it('verifies a JWT-form M2M token without a Backend API call, and never takes it for a session', async () => {
    const before = verifyCalls('POST /m2m_tokens/verify');
    const jwt = clerk.machineAuth.createM2mToken({ machineId: ADMIN_MACHINE, tokenFormat: 'jwt', secondsUntilExpiration: 600 });
    await world.http().get('/audit').set(bearer(jwt.token)).expect(200);
    const other = clerk.machineAuth.createM2mToken({ machineId: OTHER_MACHINE, tokenFormat: 'jwt', secondsUntilExpiration: 600 });
    // As a session it would have been looked up as a Clerk user (401 clerk_user_not_linked).
    expect((await world.http().get('/users/me').set(bearer(other.token)).expect(403)).body.code).toBe('not_a_person');
    expect(verifyCalls('POST /m2m_tokens/verify')).toBe(before);
  });

  it('takes machine tokens from the Authorization header only, and refuses Clerk OAuth tokens', async () => {
    const { secret } = await userWithKey('admin');
    const viaCookie = await world.http().get('/migration/runs').set('Cookie', `__session=${secret}`).expect(401);
    expect(viaCookie.body.code).toBe('invalid_token');
    const oauth = await world.http().get('/audit').set(bearer('oat_1234567890abcdef')).expect(401);
    expect(oauth.body.code).toBe('unsupported_token');
  });

  it('refuses expired M2M tokens, opaque and JWT', async () => {
    const hourAgo = Date.now() - 3600_000;
    const opaque = clerk.machineAuth.createM2mToken({ machineId: ADMIN_MACHINE, secondsUntilExpiration: 60, createdAt: hourAgo });
    expect((await world.http().get('/audit').set(bearer(opaque.token)).expect(401)).body.code).toBe('invalid_token');
    const jwt = clerk.machineAuth.createM2mToken({
      machineId: ADMIN_MACHINE,
      tokenFormat: 'jwt',
      secondsUntilExpiration: 60,
      createdAt: hourAgo,
    });
    expect((await world.http().get('/audit').set(bearer(jwt.token)).expect(401)).body.code).toBe('token_expired');
  });

  it('answers 503, not 401, when Clerk cannot be reached, and remembers nothing of it', async () => {
    const { secret } = await userWithKey('admin');
    clerk.injectFault('error_5xx', 2, 'POST /api_keys/verify');
    const res = await world.http().get('/migration/runs').set(bearer(secret)).expect(503);
    expect(res.body.code).toBe('clerk_unavailable');
    await world.http().get('/migration/runs').set(bearer(secret)).expect(200);
  });

  it('throttles a flood of made-up keys from one address, each reaching Clerk at most once', async () => {
    const from = { 'X-Forwarded-For': '203.0.113.77' };
    const before = verifyCalls('POST /api_keys/verify');
    const guesses = Array.from({ length: FLOOD_LIMIT }, (_, i) => `ak_madeup${i}x${Date.now()}`);
    for (const guess of guesses)
      await world
        .http()
        .get('/audit')
        .set({ ...bearer(guess), ...from })
        .expect(401);
    // The same guess again is answered from memory; a new one meets the throttle.
    await world
      .http()
      .get('/audit')
      .set({ ...bearer(guesses[0]), ...from })
      .expect(401);
    const blocked = await world
      .http()
      .get('/audit')
      .set({ ...bearer('ak_onemore'), ...from })
      .expect(429);
    expect(blocked.body.code).toBe('too_many_login_attempts');
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(verifyCalls('POST /api_keys/verify')).toBe(before + FLOOD_LIMIT);
    // Another address is not held back.
    const { secret } = await userWithKey('admin');
    await world
      .http()
      .get('/audit')
      .set({ ...bearer(secret), 'X-Forwarded-For': '198.51.100.4' })
      .expect(200);
  });
});
