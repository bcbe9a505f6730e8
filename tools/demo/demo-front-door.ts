import pg from 'pg';
import type { ClerkEmulator } from '../clerk-emulator/index.js';
import type { DemoReport } from './demo-report.js';

/** The person of the last step: nobody in the seed's world, they sign up on the product's Clerk page. */
export const NEW_PERSON = { email: 'nora.newcomer@example.com', firstName: 'Nora', lastName: 'Newcomer' };
const RENAMED = 'Newman';
/** Bounded: a webhook the worker has not applied after this long is a failed check, not a hung demo. */
const POLL_LIMIT_MS = 10_000;

interface Arrival {
  status: number;
  userId?: string;
  row?: { password_hash: string | null; clerk_user_id: string | null; name: string };
  externalId?: string | null;
  renamedTo?: string;
}

/**
 * After the move, Clerk is the front door: a person who never had a legacy account signs up at
 * Clerk, calls the API with their Clerk session and gets a user of their own; a later edit in
 * Clerk's dashboard reaches their row through the `user.updated` webhook.
 */
export async function newPersonArrives(
  clerk: ClerkEmulator,
  apiUrl: string,
  databaseUrl: string,
  report: DemoReport,
  known: Set<string>,
): Promise<void> {
  const arrival = await report.step('Step 7  a new person signs up at Clerk and calls GET /users/me', () =>
    signUpAndCall(clerk, apiUrl, databaseUrl),
  );
  report.check(
    `${NEW_PERSON.email} (a Clerk sign-up, never a legacy user) got 200 from /users/me with a new user_id`,
    arrival.status === 200 && arrival.userId !== undefined && !known.has(arrival.userId),
  );
  report.check(
    'their users row exists, linked to their Clerk account, with password_hash NULL',
    arrival.row?.clerk_user_id !== undefined && arrival.row.clerk_user_id !== null && arrival.row.password_hash === null,
  );
  report.check('Clerk learned their user_id (external_id)', arrival.externalId === arrival.userId);
  const renamed = await report.step(`        a dashboard edit at Clerk (last name ${RENAMED}), through the user.updated webhook`, () =>
    renameAtClerk(clerk, databaseUrl, arrival.userId),
  );
  report.check(`their row followed Clerk: "${renamed ?? '(no row)'}"`, renamed === `${NEW_PERSON.firstName} ${RENAMED}`);
}

async function signUpAndCall(clerk: ClerkEmulator, apiUrl: string, databaseUrl: string): Promise<Arrival> {
  const session = clerk.signUp(NEW_PERSON);
  const response = await fetch(`${apiUrl}/users/me`, { headers: { Authorization: `Bearer ${session.token}` } });
  const me = (await response.json()) as { userId?: string };
  if (response.status !== 200 || !me.userId) return { status: response.status };
  const row = (await rowsOf(databaseUrl, me.userId))[0];
  const externalId = await poll(
    async () => clerk.users().find((user) => user.id === session.userId)?.external_id ?? null,
    (value) => value === me.userId,
  );
  return { status: response.status, userId: me.userId, row, externalId };
}

async function renameAtClerk(clerk: ClerkEmulator, databaseUrl: string, userId: string | undefined): Promise<string | undefined> {
  if (!userId) return undefined;
  const clerkUserId = (await rowsOf(databaseUrl, userId))[0]?.clerk_user_id;
  if (!clerkUserId) return undefined;
  clerk.editUser(clerkUserId, { lastName: RENAMED });
  await clerk.webhooksIdle(POLL_LIMIT_MS);
  const expected = `${NEW_PERSON.firstName} ${RENAMED}`;
  return poll(
    async () => (await rowsOf(databaseUrl, userId))[0]?.name,
    (name) => name === expected,
  );
}

async function rowsOf(databaseUrl: string, userId: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const result = await db.query('SELECT password_hash, clerk_user_id, name FROM users WHERE user_id = $1', [userId]);
    return result.rows as { password_hash: string | null; clerk_user_id: string | null; name: string }[];
  } finally {
    await db.end();
  }
}

/** Reads until `done` or POLL_LIMIT_MS, every 100 ms; the last value either way. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + POLL_LIMIT_MS;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}
