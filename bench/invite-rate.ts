import { DEFAULT_LIVE_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers, withClient } from './lib/bench-database.js';
import { runMigrationProcess } from './lib/migration-process.js';
import { publish, round } from './lib/results.js';

/** Clerk's documented limits: `POST /v1/invitations` 100 an hour; `POST /v1/invitations/bulk` 25 an hour of 10 each. */
const SINGLE_PER_HOUR = 100;
const BULK_PEOPLE_PER_HOUR = 250;

/**
 * An invite migration, end to end: the CLI's run creates and links everyone and queues the
 * invitations, then the service's sender drains the outbox. The pace is run `scale` times faster
 * than Clerk's hour (INVITATIONS_PER_HOUR = 100 × scale), and the people per hour reached are
 * reported in Clerk's hours, against the documented limit.
 */
async function main(): Promise<void> {
  const people = argNumber('people', 120);
  const scale = argNumber('scale', 60);
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('invite_rate');
  try {
    await seedLegacyUsers(database.url, people, benchPasswordHash());
    const env = {
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: DEFAULT_LIVE_SECRET_KEY,
      CLERK_API_URL: emulator.url,
      CLERK_RATE_LIMIT: '100',
      MIGRATION_STRATEGY: 'invite',
      INVITATIONS_PER_HOUR: String(SINGLE_PER_HOUR * scale),
      INVITATION_SENDER_POLL_MS: '20',
    };
    const run = await runMigrationProcess('migrate', env);
    const queuedAfterRun = await outboxCount(database.url, `status IN ('queued', 'sending')`);
    const app = await startAppProcess(env);
    await untilDrained(database.url, people);
    await app.stop();
    // From the first invitation sent to the last: the app's start-up is not the sender's pace.
    const drainMs = await withClient(database.url, async (client) => {
      const { rows } = await client.query('SELECT extract(epoch FROM max(sent_at) - min(sent_at)) * 1000 AS ms FROM invitation_outbox');
      return Number(rows[0].ms);
    });
    const sentAtClerk = emulator.invitations().length;
    const perClerkHour = (people - 1) / ((drainMs / 1000) * (scale / 3600));
    await publish({
      name: 'invite-rate',
      title: 'Invite migration: creates at full speed, invitations through the outbox',
      figures: [
        { name: 'people', value: people },
        { name: 'run (creates and links), seconds', value: round(run.elapsedMs / 1000) },
        { name: 'invitations queued when the run ended', value: queuedAfterRun },
        { name: 'invitations sent at Clerk (each person once)', value: sentAtClerk, target: `= ${people}`, met: sentAtClerk === people },
        {
          name: 'single endpoint: people per Clerk hour',
          value: round(perClerkHour),
          target: `≤ ${SINGLE_PER_HOUR}`,
          met: perClerkHour <= SINGLE_PER_HOUR,
        },
        {
          name: 'single endpoint: share of the documented limit',
          value: round(perClerkHour / SINGLE_PER_HOUR),
          target: '≥ 0.95',
          met: perClerkHour >= 0.95 * SINGLE_PER_HOUR,
        },
        { name: 'single endpoint: hours per 1,000 people', value: round(1000 / perClerkHour) },
        { name: 'bulk endpoint: people per Clerk hour (documented, not measured)', value: BULK_PEOPLE_PER_HOUR },
      ],
      notes: [
        `The sender's pace ran ${scale} times faster than Clerk's hour (INVITATIONS_PER_HOUR = ${SINGLE_PER_HOUR * scale}); figures are in Clerk's hours. The emulator does not yet enforce the per-endpoint limit (that lands with the per-endpoint budgets), so this measures the outbox's own pace, not Clerk's refusals.`,
        'The run ends as soon as its creates and links are done; the invitations wait in the outbox for the service (the CLI never sends them).',
        `The bulk endpoint (${BULK_PEOPLE_PER_HOUR} people an hour) is not used: Clerk refuses it for any email that already has a user, and this service creates and links the account first. It is not measured here.`,
      ],
      details: { people, scale, runMs: run.elapsedMs, drainMs, runCounts: run.counts, perClerkHour },
    });
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

function outboxCount(url: string, where: string): Promise<number> {
  return withClient(
    url,
    async (client) => (await client.query(`SELECT count(*)::int AS n FROM invitation_outbox WHERE ${where}`)).rows[0].n,
  );
}

async function untilDrained(url: string, people: number): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  while ((await outboxCount(url, `status = 'sent'`)) < people) {
    if (Date.now() > deadline) throw new Error('the outbox did not drain within 30 minutes');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
