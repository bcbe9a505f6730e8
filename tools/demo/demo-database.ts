import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * The demo database is in use by someone else: rebuilding it would pull the world from under a
 * running `npm run dev` (its users, passwords and runs), so the demo and dev refuse instead.
 */
export class DemoDatabaseInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoDatabaseInUseError';
  }
}

const OBJECT_IN_USE = '55006';
/** A session that has just ended (the last demo's) may still be listed for a few milliseconds. */
const LINGER_MS = 1000;
const OURS = /^clerk-migrate (npm run \w+) \(pid (\d+)\)$/;

interface Session {
  application_name: string;
}

/**
 * Drops and recreates `database` on `serverUrl`, then keeps a session of its own on it until
 * `release`: that session, named after this process, is how the next demo or dev finds out the
 * database is in use (the API's pool closes its idle connections, so it may have none at times).
 */
export async function claimDemoDatabase(serverUrl: string, database: string, owner: string): Promise<{ release(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await refuseIfInUse(admin, database);
    // No WITH (FORCE): a session that connected since the check makes the drop fail, and that is refused too.
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)}`).catch(async (error: { code?: string }) => {
      if (error.code === OBJECT_IN_USE) await refuseIfInUse(admin, database);
      throw error;
    });
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  const presence = new pg.Client({
    connectionString: withDatabase(serverUrl, database),
    application_name: `clerk-migrate ${owner} (pid ${process.pid})`,
  });
  // The server going away (the embedded one stopping at exit) is no reason to crash.
  presence.on('error', () => undefined);
  await presence.connect();
  return { release: () => presence.end().catch(() => undefined) };
}

async function refuseIfInUse(admin: pg.Client, database: string): Promise<void> {
  const deadline = Date.now() + LINGER_MS;
  for (;;) {
    const { rows } = await admin.query<Session>(
      "SELECT application_name FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
      [database],
    );
    if (rows.length === 0) return;
    if (Date.now() > deadline) throw new DemoDatabaseInUseError(inUseMessage(database, rows));
    await sleep(100);
  }
}

function inUseMessage(database: string, sessions: Session[]): string {
  const elsewhere = `, or give this one a database of its own (DEMO_DATABASE=another_name)`;
  const ours = sessions.map((s) => OURS.exec(s.application_name)).find((found) => found !== null);
  if (ours) {
    const [, what, pid] = ours;
    return `the demo database ${database} is in use by another ${what} (pid ${pid}); stop that one first (Ctrl-C in its terminal, or kill ${pid})${elsewhere}`;
  }
  const names = [...new Set(sessions.map((s) => s.application_name).filter(Boolean))];
  const who = names.length > 0 ? ` (${names.join(', ')})` : '';
  return `the demo database ${database} has ${sessions.length} other session(s) connected${who}; close them first${elsewhere}`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
