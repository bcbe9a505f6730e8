import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { insertUser } from '../factories/user.factory.js';
import { createTestApp } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** The front end's origin in the auth tests: the `azp` of their session tokens. */
export const ORIGIN = 'https://app.example.com';

export interface AuthWorld {
  db: TestDatabase;
  clerk: ClerkEmulator;
  app: INestApplication;
  http(): ReturnType<typeof request>;
  /** A local user with a Clerk account of their own, linked, and a session token for it. */
  linkedClerkUser(
    overrides?: Parameters<typeof insertUser>[1],
  ): Promise<{ local: Awaited<ReturnType<typeof insertUser>>; clerkId: string; token: string }>;
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** A database of its own, the Clerk emulator, and the app on both, with `env` (which may read the emulator) on top. */
export async function startAuthWorld(env: Env | ((clerk: ClerkEmulator) => Env) = {}): Promise<AuthWorld> {
  const db = await createTestDatabase();
  const clerk = await startClerkEmulator({ rateLimit: false });
  const extra = typeof env === 'function' ? env(clerk) : env;
  const app = await createTestApp(db.url, {
    CLERK_SECRET_KEY: clerk.secretKey,
    CLERK_API_URL: clerk.url,
    LEGACY_DUMMY_HASH_COST: '4',
    ...extra,
  });
  return {
    db,
    clerk,
    app,
    http: () => request(app.getHttpServer()),
    linkedClerkUser: async (overrides = {}) => {
      const local = await insertUser(db.pool, overrides);
      const passwordImport = local.passwordHash ? { digest: local.passwordHash, hasher: 'bcrypt' as const } : undefined;
      const account = clerk.seedUser({ email: local.email, externalId: local.userId, passwordImport });
      await db.pool.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, local.userId]);
      return { local, clerkId: account.id, token: clerk.mintSessionToken({ sub: account.id, azp: ORIGIN }) };
    },
    close: async () => {
      await app.close();
      await clerk.stop();
      await db.drop();
    },
  };
}
