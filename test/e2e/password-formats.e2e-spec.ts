import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import {
  CONFIGURED_VECTORS,
  PASSWORD_VECTORS,
  PHPBB_VECTOR,
  UNSUPPORTED_HASHES,
  VECTOR_ENV,
  NO_VECTOR_ENV,
} from '../factories/password-vectors.js';
import { insertUser, insertUsers, makeUser } from '../factories/user.factory.js';
import { buildOnce, runCli } from '../utils/cli.js';
import { createTestApp, TEST_ENV, UNTHROTTLED_LOGINS } from '../utils/test-app.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

describe('legacy login with every password format', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const login = (email: string, password: string) => request(app.getHttpServer()).post('/auth/login').send({ email, password });

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, {
      LEGACY_DUMMY_HASH_COST: '4',
      ...UNTHROTTLED_LOGINS,
      ...NO_VECTOR_ENV,
    });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it.each(PASSWORD_VECTORS.map((v) => [v.format, v] as const))(
    'signs a %s user in with the old password, and nobody with a wrong one',
    async (_format, vector) => {
      const user = await insertUser(db.pool, { passwordHash: vector.hash, password: vector.password });
      const ok = await login(user.email, vector.password).expect(200);
      expect(ok.body.user).toMatchObject({ userId: user.userId });
      expect(JSON.stringify(ok.body)).not.toContain(vector.hash);
      const wrong = await login(user.email, `${vector.password}!`).expect(401);
      expect(wrong.body.code).toBe('invalid_credentials');
    },
  );

  it('signs in phpBB’s $H$ hashes too', async () => {
    const user = await insertUser(db.pool, { passwordHash: PHPBB_VECTOR.hash, password: PHPBB_VECTOR.password });
    await login(user.email, PHPBB_VECTOR.password).expect(200);
  });

  it('answers a hash of no known format with the same 401 as a wrong password, and records why', async () => {
    const user = await insertUser(db.pool, { passwordHash: UNSUPPORTED_HASHES[0].hash, password: null });
    const refused = await login(user.email, 'ExjGmyUT73bFoT').expect(401);
    expect(refused.body.code).toBe('invalid_credentials');
    const audit = await db.pool.query(
      `SELECT details->>'reason' AS reason FROM audit_logs WHERE action = 'auth.login.failed' AND user_id = $1`,
      [user.userId],
    );
    expect(audit.rows).toEqual([{ reason: 'unsupported_hash' }]);
  });
});

describe('legacy login with the formats that need outside parameters', () => {
  let db: TestDatabase;
  let app: INestApplication | undefined;
  const login = (email: string, password: string) => request(app!.getHttpServer()).post('/auth/login').send({ email, password });
  const boot = async (env: Record<string, string | undefined>) => {
    await app?.close();
    app = await createTestApp(db.url, { LEGACY_DUMMY_HASH_COST: '4', ...UNTHROTTLED_LOGINS, ...env });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it.each(CONFIGURED_VECTORS.map((v) => [v.format, v] as const))(
    'signs a %s user in with PASSWORD_PEPPER and FIREBASE_SCRYPT_* set',
    async (_format, vector) => {
      await boot(VECTOR_ENV);
      const user = await insertUser(db.pool, { passwordHash: vector.hash, password: vector.password });
      await login(user.email, vector.password).expect(200);
      expect((await login(user.email, `${vector.password}!`).expect(401)).body.code).toBe('invalid_credentials');
    },
  );

  it('refuses a Firebase user while a parameter is missing, and audits which', async () => {
    await boot({ ...VECTOR_ENV, FIREBASE_SCRYPT_MEM_COST: undefined });
    const vector = CONFIGURED_VECTORS.find((v) => v.format === 'scrypt_firebase')!;
    const user = await insertUser(db.pool, { passwordHash: vector.hash, password: vector.password });
    await login(user.email, vector.password).expect(401);
    const audit = await db.pool.query(
      `SELECT details->>'reason' AS reason FROM audit_logs WHERE action = 'auth.login.failed' AND user_id = $1`,
      [user.userId],
    );
    expect(audit.rows).toEqual([{ reason: 'missing_FIREBASE_SCRYPT_MEM_COST' }]);
  });
});

describe('the CLI reports password formats and a development instance too small for the plan', () => {
  let db: TestDatabase;
  let clerk: ClerkEmulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    clerk = await startClerkEmulator({ rateLimit: false });
    await insertUsers(db.pool, [
      ...PASSWORD_VECTORS.map((v) => makeUser({ passwordHash: v.hash })),
      makeUser({ passwordHash: UNSUPPORTED_HASHES[0].hash }),
    ]);
    for (let i = 0; i < 95; i++) clerk.seedUser({ email: `already-${i}@example.com` });
    env = {
      DATABASE_URL: db.url,
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '1000',
      LEGACY_JWT_SECRET: TEST_ENV.LEGACY_JWT_SECRET,
      MIGRATION_SCHEDULE_ENABLED: 'false',
    };
  }, 120_000);
  afterAll(async () => {
    await clerk?.stop();
    await db?.drop();
  });

  it('counts users per format in stats, as JSON and as text', async () => {
    const json = await runCli(['stats', '--json'], env);
    expect(json.code).toBe(0);
    expect(json.json.byPasswordFormat).toEqual({
      ...Object.fromEntries(PASSWORD_VECTORS.map((v) => [v.format, 1])),
      scrypt_firebase: 0,
      none: 0,
      unsupported: 1,
    });
    const text = await runCli(['stats'], env);
    expect(text.stdout).toMatch(/not on Clerk, argon2id\s+1/);
    expect(text.stdout).toMatch(/not on Clerk, unsupported\s+1/);
    expect(text.stdout).not.toMatch(/not on Clerk, no password/);
  });

  it('warns in a dry run, as JSON and as text, with the numbers, that an sk_test_ instance cannot hold the plan', async () => {
    expect(clerk.secretKey).toMatch(/^sk_test_/);
    const json = await runCli(['migrate', '--dry-run', '--json'], env);
    expect(json.code).toBe(0);
    expect(json.json.byPasswordFormat).toMatchObject({ phpass: 1, unsupported: 1 });
    expect(json.json.warnings).toEqual([
      expect.objectContaining({ code: 'development_instance_user_cap', cap: 100, clerkUsers: 95, newAccounts: PASSWORD_VECTORS.length }),
    ]);
    const text = await runCli(['migrate', '--dry-run'], env);
    expect(text.stdout).toContain(
      `warning: CLERK_SECRET_KEY opens a development instance (sk_test_), which holds at most 100 users: it has 95 and this plan creates ${PASSWORD_VECTORS.length}`,
    );
    expect(text.stdout).toMatch(/password format\s+users/);
    expect(clerk.users()).toHaveLength(95);
  });
});
