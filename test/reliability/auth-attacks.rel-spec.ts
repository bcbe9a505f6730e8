import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { bcryptHash, insertUser, type TestUser } from '../factories/user.factory.js';
import { decodeJwtPart } from '../utils/jwt.js';
import { UNTHROTTLED_LOGINS } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';
import { clerkEnv, closeAll, createWatchedApp } from './support/reliability-app.js';
import { SecretWitness } from './support/secret-witness.js';

const ORIGIN = 'https://app.example.com';
const ROUNDS = 40;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('attacks on authentication', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  const apps: INestApplication[] = [];
  const witness = new SecretWitness();

  /** An app of this file; networkless Clerk verification with no clock skew. */
  async function boot(env: Record<string, string | undefined>): Promise<INestApplication> {
    const app = await createWatchedApp(
      db.url,
      {
        ...clerkEnv(clerk),
        CLERK_JWT_KEY: clerk.publicKeyPem,
        CLERK_AUTHORIZED_PARTIES: ORIGIN,
        CLERK_CLOCK_SKEW_MS: '0',
        TRUST_PROXY: undefined,
        ...env,
      },
      witness,
    );
    apps.push(app);
    return app;
  }

  async function user(overrides: Partial<TestUser> = {}): Promise<TestUser> {
    const created = await insertUser(db.pool, overrides);
    witness.secret(created.password, created.passwordHash);
    return created;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false });
    witness.secret(clerk.secretKey);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await clerk.stop();
    await db.drop();
  });

  it('refuses a Clerk session token replayed after its expiry', async () => {
    const app = await boot({});
    const local = await user();
    const account = clerk.seedUser({ email: local.email, externalId: local.userId });
    await db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, local.userId]);
    const token = clerk.mintSessionToken({ sub: account.id, azp: ORIGIN, expiresInSeconds: 2 });
    witness.secret(token);
    await request(app.getHttpServer())
      .get('/users/me')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    const { exp } = decodeJwtPart(token, 1) as { exp: number };
    await sleep(exp * 1000 - Date.now() + 1100);
    const replay = await request(app.getHttpServer())
      .get('/users/me')
      .set({ Authorization: `Bearer ${token}` });
    expect({ status: replay.status, code: replay.body.code }).toEqual({ status: 401, code: 'token_expired' });
  });

  it('refuses tokens of another Clerk instance under networkless verification, even with this instance’s key id', async () => {
    const app = await boot({});
    const local = await user();
    const account = clerk.seedUser({ email: local.email, externalId: local.userId });
    await db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, local.userId]);
    const genuine = clerk.mintSessionToken({ sub: account.id, azp: ORIGIN });
    const kid = decodeJwtPart(genuine, 0).kid as string;
    const foreign = [
      clerk.mintSessionToken({ sub: account.id, azp: ORIGIN, foreign: true }),
      clerk.mintSessionToken({ sub: account.id, azp: ORIGIN, foreign: true, kid }),
    ];
    witness.secret(genuine, ...foreign);
    await request(app.getHttpServer())
      .get('/users/me')
      .set({ Authorization: `Bearer ${genuine}` })
      .expect(200);
    for (const token of foreign) {
      const response = await request(app.getHttpServer())
        .get('/users/me')
        .set({ Authorization: `Bearer ${token}` });
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'invalid_token' });
    }
  });

  it('does not let X-Forwarded-For reset the per-IP login throttle unless a proxy is trusted', async () => {
    const limits = { LOGIN_MAX_FAILURES_PER_IP: '4', LOGIN_MAX_FAILURES_PER_IP_EMAIL: '100', LOGIN_MAX_FAILURES_PER_EMAIL: '100' };
    // The counters live in the database: start this file's loopback address from zero.
    await db.pool.query('DELETE FROM login_throttle');
    const attempts = async (app: INestApplication, tag: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const response = await request(app.getHttpServer())
          .post('/auth/login')
          .set('X-Forwarded-For', `203.0.113.${i + 1}`)
          .send({ email: `spoof-${tag}-${i}@example.com`, password: 'guess' });
        statuses.push(response.status);
      }
      return statuses;
    };
    expect(await attempts(await boot(limits), 'direct')).toEqual([401, 401, 401, 401, 429, 429]);
    // The control: behind a trusted proxy the header names the client, so each address counts alone.
    expect(await attempts(await boot({ ...limits, TRUST_PROXY: 'true' }), 'proxied')).toEqual([401, 401, 401, 401, 401, 401]);
    const ips = await db.pool.query(
      `SELECT DISTINCT details->>'ip' AS ip FROM audit_logs WHERE action = 'auth.login.failed' AND details->>'ip' LIKE '%203.0.113.%'`,
    );
    expect(ips.rows).toHaveLength(6);
  });

  it('let no password, hash, token or key out in a response, log line or audit row', async () => {
    expect(witness.counts.logLines).toBeGreaterThan(0);
    expect(await witness.leaks(db.pool)).toEqual([]);
    // The control: the scan does see a secret where one is planted.
    const planted = await db.pool.query(`INSERT INTO audit_logs (actor, action, details) VALUES ('test', 'planted', $1) RETURNING id`, [
      { note: bcryptHash('planted') },
    ]);
    expect(await witness.leaks(db.pool)).toEqual([expect.objectContaining({ where: 'audit row', what: 'bcrypt hash' })]);
    await db.pool.query('DELETE FROM audit_logs WHERE id = $1', [planted.rows[0].id]);
  });
});

describe('login timing', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let app: INestApplication;
  const witness = new SecretWitness();

  beforeAll(async () => {
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false });
    // The product's hashes cost 12; nothing tells the app so (its made-up fallback stays at clerkEnv's cost 4).
    for (let i = 0; i < 10; i += 1)
      await insertUser(db.pool, { passwordHash: bcryptHash('the real password', 12), password: 'the real password' });
    app = await createWatchedApp(
      db.url,
      {
        ...clerkEnv(clerk),
        LEGACY_BCRYPT_CONCURRENCY: '2',
        ...UNTHROTTLED_LOGINS,
      },
      witness,
    );
  });
  afterAll(() => closeAll(app, clerk, db));

  it('takes as long for an unknown email as for a known one at cost 12 with a wrong password (medians within 10%)', async () => {
    const known = await insertUser(db.pool, { passwordHash: bcryptHash('the real password', 12), password: 'the real password' });
    expect(known.passwordHash).toMatch(/^\$2b\$12\$/);
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      const response = await request(app.getHttpServer()).post('/auth/login').send({ email, password: 'a wrong guess' });
      expect(response.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const unknownEmail = (i: number) => `nobody-${i}-${known.userId}@example.com`;
    for (let i = 0; i < 3; i += 1) await Promise.all([timed(known.email), timed(unknownEmail(-i))]);
    const medians = async (): Promise<[number, number]> => {
      const knownTimes: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < ROUNDS; i += 1) {
        // Side by side, on two bcrypt threads, so whatever else the machine is doing slows both alike;
        // which one is sent first alternates.
        const pair = i % 2 === 0 ? [timed(known.email), timed(unknownEmail(i))] : [timed(unknownEmail(i)), timed(known.email)].reverse();
        const [knownMs, unknownMs] = await Promise.all(pair);
        knownTimes.push(knownMs);
        unknownTimes.push(unknownMs);
      }
      return [median(knownTimes), median(unknownTimes)];
    };
    const spread = ([a, b]: [number, number]) => Math.abs(a - b) / Math.max(a, b);
    // A machine busy with other work can skew one series of 40 pairs; a real oracle (a cheaper stand-in
    // hash) skews every series the same way, so up to three series are measured and the last one judged.
    let measured = await medians();
    for (let series = 1; series < 3 && spread(measured) > 0.1; series += 1) measured = await medians();
    const [a, b] = measured;
    console.info(`login timing at cost 12: known ${a.toFixed(1)} ms, unknown ${b.toFixed(1)} ms (medians of ${ROUNDS})`);
    expect(spread(measured)).toBeLessThanOrEqual(0.1);
  }, 180_000);
});
