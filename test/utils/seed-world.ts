import type { INestApplication } from '@nestjs/common';
import type { TestingModuleBuilder } from '@nestjs/testing';
import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { createLegacySchema, insertLegacyWorld, makeLegacyWorldUsers, type LegacyWorldUser } from '../../tools/demo/legacy-world.js';
import { createTestApp } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface SeedWorld {
  db: TestDatabase;
  app: INestApplication;
  users: LegacyWorldUser[];
  legacy: LegacyWorldUser[];
  close(): Promise<void>;
}

/**
 * The seed's world on a fresh database: the product's own tables and 44 users (8 already on
 * Clerk, with their accounts in the emulator), then the app booted on it, which adopts the schema.
 */
export async function seedWorld(
  clerk: ClerkEmulator,
  env: Record<string, string> = {},
  sizes: { legacyUsers?: number } = {},
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<SeedWorld> {
  const db = await createTestDatabase({ empty: true });
  await createLegacySchema(db.pool, true);
  const users = makeLegacyWorldUsers({ withClerkColumn: true, legacyUsers: sizes.legacyUsers });
  for (const user of users.filter((u) => u.clerkUserId !== null)) {
    user.clerkUserId = clerk.seedUser({ email: user.email, externalId: user.userId }).id;
  }
  await insertLegacyWorld(db.pool, users, { withClerkColumn: true, bcryptCost: 4 });
  const app = await createTestApp(
    db.url,
    {
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_API_URL: clerk.url,
      CLERK_RATE_LIMIT: '1000',
      LEGACY_DUMMY_HASH_COST: '4',
      ...env,
    },
    override,
  );
  return {
    db,
    app,
    users,
    legacy: users.filter((u) => u.clerkUserId === null),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

export async function dependentRowCounts(db: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['chat_sessions', 'prompts', 'quotas']) {
    counts[table] = (await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }
  return counts;
}
