import { DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { createBenchDatabase, withClient } from './lib/bench-database.js';
import { percentile } from './lib/percentile.js';
import { publish } from './lib/results.js';

/** One `GET /users/me`, timed from the request to the end of the body. */
async function timedMe(url: string, token: string): Promise<{ ms: number; userId: string }> {
  const started = performance.now();
  const answer = await fetch(`${url}/users/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await answer.json()) as { userId?: string };
  if (answer.status !== 200 || !body.userId) throw new Error(`GET /users/me answered ${answer.status}`);
  return { ms: performance.now() - started, userId: body.userId };
}

/**
 * Provisioning latency: the first request of a person who signed up at Clerk (verify the token, look
 * the account up at Clerk, insert the row, answer; external_id set after the answer), one person at
 * a time, against the same person's second request (a principal already known).
 */
async function main(): Promise<void> {
  const people = argNumber('people', 200);
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('sign_ups');
  const app = await startAppProcess({
    DATABASE_URL: database.url,
    CLERK_SECRET_KEY: DEFAULT_TEST_SECRET_KEY,
    CLERK_API_URL: emulator.url,
    CLERK_RATE_LIMIT: '1000',
  });
  try {
    const first: number[] = [];
    const second: number[] = [];
    for (let i = 0; i < people; i += 1) {
      const account = emulator.seedUser({ email: `bench.signup${i}@example.com`, firstName: 'Bench', lastName: `Sign-up ${i}` });
      const token = emulator.mintSessionToken({ sub: account.id, expiresInSeconds: 3600 });
      first.push((await timedMe(app.url, token)).ms);
      second.push((await timedMe(app.url, token)).ms);
    }
    const rows = await withClient(database.url, (client) =>
      client.query('SELECT count(*)::int AS n FROM users WHERE password_hash IS NULL'),
    );
    await publish({
      name: 'sign-ups',
      title: 'Provisioning on the first request',
      figures: [
        { name: 'first request, p50', value: percentile(first, 50), unit: 'ms' },
        { name: 'first request, p99', value: percentile(first, 99), unit: 'ms' },
        { name: 'next request, p50', value: percentile(second, 50), unit: 'ms' },
        { name: 'next request, p99', value: percentile(second, 99), unit: 'ms' },
        { name: 'rows provisioned', value: rows.rows[0].n as number },
      ],
      notes: [
        `${people} people who signed up at Clerk (the emulator), each sending its first GET /users/me and then a second, one at a time, to one app process.`,
        'The first request verifies the session token, asks Clerk for the account (GET /v1/users/{id}), inserts the row and its owed external_id update in one transaction, and answers; the PATCH of external_id goes after the answer.',
      ],
      details: { people, first, second },
    });
  } finally {
    await app.stop();
    await database.drop();
    await emulator.stop();
  }
}

void main();
