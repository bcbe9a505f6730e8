import pg from 'pg';
import { migrateDatabase } from '../../src/database/data-source.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { startClerkEmulator, type ClerkEmulator } from '../clerk-emulator/index.js';
import { claimDemoDatabase, withDatabase } from './demo-database.js';
import { createLegacySchema, insertLegacyWorld, makeLegacyWorldUsers, type LegacyWorldUser } from './legacy-world.js';

/**
 * The demo keeps its own database, so that it never touches the application's data. `DEMO_DATABASE`
 * renames it (the test that runs the demo gives it a name of its own).
 */
export const DEMO_DATABASE = process.env.DEMO_DATABASE?.trim() || 'clerk_migrate_demo';

export interface DemoWorld {
  databaseUrl: string;
  clerk: ClerkEmulator;
  users: LegacyWorldUser[];
  stop(): Promise<void>;
}

/**
 * A fresh copy of the seed's world: the demo database (on DATABASE_URL's server, or an embedded
 * one, see `clusterPaths`) dropped and rebuilt with the product's tables and 44 users, and a Clerk
 * emulator that already holds the accounts of the 8 users who were on Clerk before. The emulator
 * starts first, so that a taken port fails before the database is touched; a database another
 * process is connected to is refused (`DemoDatabaseInUseError`), never rebuilt under it.
 */
export async function createDemoWorld(options: { emulatorPort?: number; owner?: string } = {}): Promise<DemoWorld> {
  const clerk = await startClerkEmulator({ port: options.emulatorPort ?? 0 });
  try {
    return await fillDemoWorld(clerk, options.owner ?? 'npm run demo');
  } catch (error) {
    await clerk.stop();
    throw error;
  }
}

async function fillDemoWorld(clerk: ClerkEmulator, owner: string): Promise<DemoWorld> {
  const server = await demoServer();
  const claim = await claimDemoDatabase(server.serverUrl, DEMO_DATABASE, owner).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const databaseUrl = withDatabase(server.serverUrl, DEMO_DATABASE);
  const users = makeLegacyWorldUsers({ withClerkColumn: true });
  for (const user of users.filter((u) => u.clerkUserId !== null)) {
    user.clerkUserId = clerk.seedUser({ email: user.email, externalId: user.userId, firstName: user.name }).id;
  }
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await createLegacySchema(db, true);
    await insertLegacyWorld(db, users, { withClerkColumn: true, bcryptCost: 10 });
  } finally {
    await db.end();
  }
  // As `db:migrate` would on the legacy database: the CLI's commands require the schema and never write it.
  await migrateDatabase(databaseUrl);
  return {
    databaseUrl,
    clerk,
    users,
    stop: async () => {
      await clerk.stop();
      await claim.release();
      await server.stop();
    },
  };
}

async function demoServer(): Promise<{ serverUrl: string; stop(): Promise<void> }> {
  const given = process.env.DATABASE_URL?.trim();
  if (given) return { serverUrl: withDatabase(given, 'postgres'), stop: async () => undefined };
  return startEmbeddedPostgres(process.env.EMBEDDED_POSTGRES_DIR ?? '.data/postgres', 'postgres');
}
