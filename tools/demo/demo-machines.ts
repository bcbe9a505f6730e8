import pg from 'pg';
import { MIGRATION_WRITE_SCOPE } from '../../src/common/principal.js';
import type { DemoWorld } from './demo-world.js';

export interface DemoMachines {
  /** The demo admin's own Clerk API key (`ak_…`), allowed to start runs. */
  adminApiKey: string;
  /** The machine whose M2M tokens are operators: what `CLERK_ADMIN_MACHINES` must list. */
  machineId: string;
  /** An M2M token of that machine, for an hour, allowed to start runs. */
  m2mToken: string;
}

/**
 * What `npm run dev` prints for scripts: the demo admin moves to Clerk (an account with the same
 * password, linked to their row, as a sign-in would link it), and gets an API key there; a CI machine
 * gets an M2M token. An API key acts as its owner, so the owner must be on Clerk first.
 */
export async function createDemoMachines(world: DemoWorld): Promise<DemoMachines> {
  const admin = world.users.find((u) => u.role === 'admin' && u.password)!;
  const account = world.clerk.seedUser({ email: admin.email, externalId: admin.userId, firstName: admin.name, password: admin.password! });
  const db = new pg.Client({ connectionString: world.databaseUrl });
  await db.connect();
  try {
    await db.query('UPDATE users SET clerk_user_id = $1 WHERE user_id = $2', [account.id, admin.userId]);
  } finally {
    await db.end();
  }
  admin.clerkUserId = account.id;
  const key = world.clerk.machineAuth.createApiKey({
    subject: account.id,
    name: 'demo admin scripts',
    scopes: [MIGRATION_WRITE_SCOPE],
    createdBy: account.id,
  });
  const token = world.clerk.machineAuth.createM2mToken({ secondsUntilExpiration: 3600, claims: { permissions: [MIGRATION_WRITE_SCOPE] } });
  return { adminApiKey: key.secret, machineId: token.subject, m2mToken: token.token };
}
