import { ClerkSdkGateway } from '../src/clerk/clerk-sdk.gateway.js';
import { readClerkConfig } from '../src/config/clerk.config.js';
import { DEFAULT_LIVE_SECRET_KEY, startClerkEmulator, type ClerkEmulator } from '../tools/clerk-emulator/index.js';
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
 * invitations, then the service's sender drains the outbox. The emulator enforces Clerk's real
 * per-endpoint limits with its hour divided by `scale`, and the service's class windows run on the
 * same clock (CLERK_LIMITS_TIME_SCALE = scale); the people per hour reached are reported in those
 * scaled hours, against the documented limit.
 */
async function main(): Promise<void> {
  const people = argNumber('people', 400);
  const scale = argNumber('scale', 1000);
  const hourMs = 3_600_000 / scale;
  const emulator = await startClerkEmulator({ rateLimit: false, timeScale: scale });
  const database = await createBenchDatabase('invite_rate');
  try {
    await seedLegacyUsers(database.url, people, benchPasswordHash());
    const env = {
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: DEFAULT_LIVE_SECRET_KEY,
      CLERK_API_URL: emulator.url,
      CLERK_RATE_LIMIT: '100',
      MIGRATION_STRATEGY: 'invite',
      CLERK_LIMITS_TIME_SCALE: String(scale),
      INVITATION_SENDER_POLL_MS: '20',
    };
    const run = await runMigrationProcess('migrate', env);
    const emails = await withClient(database.url, async (client) =>
      (await client.query('SELECT email FROM users ORDER BY email')).rows.map((r) => r.email as string),
    );
    const queuedAfterRun = await outboxCount(database.url, `status IN ('queued', 'sending')`);
    const app = await startAppProcess(env);
    await untilDrained(database.url, people);
    await app.stop();
    // As the emulator saw them: from the first invitation to the last (the app's start-up is not the pace).
    const times = emulator
      .invitations()
      .map((invitation) => invitation.createdAt)
      .sort((a, b) => a - b);
    const drainMs = times[times.length - 1] - times[0];
    const sentAtClerk = times.length;
    const refused = emulator.requestCounts()['POST /v1/invitations']?.['429'] ?? 0;
    const busiest = busiestWindow(times, hourMs);
    const bulk = await measureBulk(emulator, emails, env, hourMs);
    // Sends come in bursts a window apart: the rate is what the whole hours of the drain held.
    const firstBurst = times.filter((t) => t < times[0] + hourMs / 2).length;
    const wholeHours = Math.max(1, Math.floor(drainMs / hourMs));
    const perClerkHour = times.filter((t) => t < times[0] + wholeHours * hourMs).length / wholeHours;
    await publish({
      name: 'invite-rate',
      title: 'Invite migration: creates at full speed, invitations through the outbox',
      figures: [
        { name: 'people', value: people },
        { name: 'run (creates and links), seconds', value: round(run.elapsedMs / 1000) },
        { name: 'invitations queued when the run ended', value: queuedAfterRun },
        { name: 'invitations sent at Clerk (each person once)', value: sentAtClerk, target: `= ${people}`, met: sentAtClerk === people },
        { name: 'invitations refused by the emulator (429)', value: refused, target: '= 0', met: refused === 0 },
        {
          name: 'single endpoint: most invitations in any (scaled) hour, at the emulator',
          value: busiest,
          target: `≤ ${SINGLE_PER_HOUR}`,
          met: busiest <= SINGLE_PER_HOUR,
        },
        { name: 'single endpoint: sent in the first half (scaled) hour (the burst, one call at a time)', value: firstBurst },
        {
          name: 'single endpoint: people per (scaled) Clerk hour',
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
        {
          name: 'bulk endpoint: people per (scaled) Clerk hour, measured (the figure not chosen)',
          value: round(bulk.perClerkHour),
          target: `≤ ${BULK_PEOPLE_PER_HOUR}`,
          met: bulk.perClerkHour <= BULK_PEOPLE_PER_HOUR,
        },
        { name: 'bulk endpoint: requests refused by the emulator (429)', value: bulk.refused, target: '= 0', met: bulk.refused === 0 },
        { name: 'bulk endpoint: hours per 1,000 people', value: round(1000 / bulk.perClerkHour) },
      ],
      notes: [
        `Clerk's hour ran ${scale} times faster at the emulator (timeScale, with Clerk's per-endpoint limits: 100 invitations an hour) and in the service (CLERK_LIMITS_TIME_SCALE = ${scale}); figures are in those scaled hours. The sender has no pace of its own: it sends through the invitations class (CLERK_INVITATIONS_PER_HOUR = 100, 98 with our 2% margin), a burst up to the limit and then one as each old send leaves the window.`,
        'The run ends as soon as its creates and links are done; the invitations wait in the outbox for the service (the CLI never sends them).',
        `The bulk endpoint (${BULK_PEOPLE_PER_HOUR} people an hour documented) is the figure not chosen: Clerk refuses it for any email that already has a user, and this service creates and links the account first (see the outbox section of README). It is measured here on its own: the same people's emails (no accounts at this emulator), 10 per request, sent through the gateway's bulk_invitations class (24 requests per scaled hour with our 2% margin) at the same scale.`,
      ],
      details: { people, scale, runMs: run.elapsedMs, drainMs, runCounts: run.counts, perClerkHour, busiest, refused, firstBurst, bulk },
    });
  } finally {
    await database.drop();
    await emulator.stop();
  }
}

/**
 * The bulk endpoint on its own: every person invited in batches of 10 through a gateway whose
 * bulk_invitations window runs on the emulator's clock, with no account at Clerk (as that endpoint
 * requires); people per scaled hour, counted at the emulator.
 */
async function measureBulk(emulator: ClerkEmulator, emails: string[], env: Record<string, string>, hourMs: number) {
  emulator.reset();
  const gateway = ClerkSdkGateway.fromConfig(readClerkConfig(env));
  for (let i = 0; i < emails.length; i += 10) {
    await gateway.createInvitationsInBulk(emails.slice(i, i + 10).map((email) => ({ email, notify: false, ignoreExisting: false })));
  }
  const times = emulator
    .invitations()
    .map((invitation) => invitation.createdAt)
    .sort((a, b) => a - b);
  const wholeHours = Math.max(1, Math.floor((times[times.length - 1] - times[0]) / hourMs));
  const perClerkHour = times.filter((t) => t < times[0] + wholeHours * hourMs).length / wholeHours;
  return { sent: times.length, perClerkHour, refused: emulator.requestCounts()['POST /v1/invitations/bulk']?.['429'] ?? 0 };
}

/** The most timestamps any window of `spanMs` holds. */
function busiestWindow(sorted: number[], spanMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last += 1) {
    while (sorted[last] - sorted[first] >= spanMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
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
