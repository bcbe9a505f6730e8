import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { insertUser, type TestUser } from '../factories/user.factory.js';
import { createTestApp } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

const WINDOW_SECONDS = 300;

/**
 * The legacy login's throttle as clients behind a trusted proxy see it: each request names its
 * client address in X-Forwarded-For, and every request alternates between two app instances on one
 * database, so every count below holds for the fleet, not for one process.
 */
describe('login throttle across addresses and instances', () => {
  let db: TestDatabase;
  const apps: INestApplication[] = [];
  let sent = 0;
  let lastAddress = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES_PER_IP: '10',
      LOGIN_MAX_FAILURES_PER_IP_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_EMAIL: '6',
      LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
      LEGACY_DUMMY_HASH_COST: '4',
    };
    apps.push(await createTestApp(db.url, env), await createTestApp(db.url, env));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  /** A client address no other test of this file uses. */
  const address = () => `203.0.113.${++lastAddress}`;

  /** One login from `from`, on the next instance in turn. */
  async function login(from: string, email: string, password: string | null) {
    const app = apps[sent++ % apps.length];
    const response = await request(app.getHttpServer())
      .post('/auth/login')
      .set('X-Forwarded-For', from)
      .send({ email, password: password ?? 'a wrong guess' });
    if (response.status === 429) {
      const retryAfter = Number(response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(response.body.code).toBe('too_many_login_attempts');
    }
    return response.status;
  }

  const failures = async (from: string, email: string, count: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) statuses.push(await login(from, email, null));
    return statuses;
  };

  it('counts failures only: an owner who signs in again and again is never held back', async () => {
    const owner = await insertUser(db.pool);
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push(await login(from, owner.email, owner.password));
    expect(statuses).toEqual(Array(12).fill(200));
  });

  it('never holds back many people signing in at once from one address (an office behind one NAT)', async () => {
    const colleagues: TestUser[] = [];
    for (let i = 0; i < 15; i += 1) colleagues.push(await insertUser(db.pool));
    const from = address();
    const statuses = await Promise.all(colleagues.map((colleague) => login(from, colleague.email, colleague.password)));
    expect(statuses).toEqual(Array(15).fill(200));
  });

  it('stops one address guessing one email, counted across both instances, while the owner gets in from another address', async () => {
    const owner = await insertUser(db.pool);
    const attacker = address();
    expect(await failures(attacker, owner.email, 4)).toEqual([401, 401, 401, 429]);
    // Refused before the password is even looked at: the right one does not help from there.
    expect(await login(attacker, owner.email, owner.password)).toBe(429);
    expect(await login(address(), owner.email, owner.password)).toBe(200);
  });

  it('slows a distributed attack on one email, yet lets the owner in from a fresh address with the right password', async () => {
    const owner = await insertUser(db.pool);
    const [first, second, third] = [address(), address(), address()];
    expect(await failures(first, owner.email, 3)).toEqual([401, 401, 401]);
    expect(await failures(second, owner.email, 3)).toEqual([401, 401, 401]);
    // Past the per-email limit (6), an address gets one try for that email, no more.
    expect(await failures(third, owner.email, 2)).toEqual([401, 429]);
    expect(await login(address(), owner.email, owner.password)).toBe(200);
    // The hold is on this email only: the same addresses may still try others.
    const other = await insertUser(db.pool);
    expect(await login(first, other.email, null)).toBe(401);
  });

  it('stops one address spraying guesses over many emails', async () => {
    const from = address();
    const victims: TestUser[] = [];
    for (let i = 0; i < 11; i += 1) victims.push(await insertUser(db.pool));
    const statuses: number[] = [];
    for (const victim of victims) statuses.push(await login(from, victim.email, null));
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // The control: another address reaches the eleventh account as usual.
    expect(await login(address(), victims[10].email, victims[10].password)).toBe(200);
  });

  it('forgives an address its failures for an email once the owner signs in from it', async () => {
    const owner = await insertUser(db.pool);
    const from = address();
    expect(await failures(from, owner.email, 2)).toEqual([401, 401]);
    expect(await login(from, owner.email, owner.password)).toBe(200);
    expect(await failures(from, owner.email, 4)).toEqual([401, 401, 401, 429]);
  });

  it('counts an IPv6 client by its /64, so a fresh address of the same network does not start over', async () => {
    const owner = await insertUser(db.pool);
    expect(await failures('2001:db8:1:2::a', owner.email, 2)).toEqual([401, 401]);
    expect(await failures('2001:db8:1:2:ffff::b', owner.email, 2)).toEqual([401, 429]);
    // The control: the next /64 is another client.
    expect(await login('2001:db8:1:3::a', owner.email, null)).toBe(401);
  });

  it('keeps its counters in PostgreSQL without an email in the clear', async () => {
    const { rows } = await db.pool.query<{ key: string }>('SELECT key FROM login_throttle');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.key.includes('@'))).toEqual([]);
  });
});
