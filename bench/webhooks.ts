import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { createBenchDatabase, withClient } from './lib/bench-database.js';
import { publish, round } from './lib/results.js';

const TARGET_RATE = 200;
const TARGET_P99_MS = 100;

/** Linked users whose accounts the deliveries update, round-robin. */
async function seedLinkedUsers(url: string, count: number): Promise<void> {
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO users (user_id, clerk_user_id, email, password_hash, name, role, created_at)
       SELECT gen_random_uuid(), 'user_bench_' || i, 'bench.hook' || i || '@example.com', NULL, 'Bench Hook ' || i, 'user', now()
         FROM generate_series(1, $1::int) AS i`,
      [count],
    ),
  );
}

/** A `user.updated` for account `i`, with a new name each time, signed the Svix way. */
function delivery(webhook: Webhook, i: number, users: number, sequence: number): { headers: Record<string, string>; body: string } {
  const n = (i % users) + 1;
  const now = Date.now();
  const body = JSON.stringify({
    data: {
      id: `user_bench_${n}`,
      object: 'user',
      external_id: null,
      first_name: 'Bench',
      last_name: `Renamed ${sequence}`,
      primary_email_address_id: `idn_${n}`,
      email_addresses: [
        { id: `idn_${n}`, object: 'email_address', email_address: `bench.hook${n}@example.com`, verification: { status: 'verified' } },
      ],
      public_metadata: {},
      private_metadata: {},
      unsafe_metadata: {},
      created_at: now - 86_400_000,
      updated_at: now + sequence,
    },
    object: 'event',
    type: 'user.updated',
    timestamp: now,
    instance_id: 'ins_bench',
    event_attributes: {},
  });
  const id = `msg_bench_${sequence}_${randomBytes(4).toString('hex')}`;
  const signedAt = new Date(now);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(now / 1000)),
      'svix-signature': webhook.sign(id, signedAt, body),
    },
  };
}

async function load(
  url: string,
  secret: string,
  users: number,
  options: { durationSeconds: number; connections: number; overallRate?: number },
) {
  const webhook = new Webhook(secret);
  let sequence = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          sequence += 1;
          return { ...request, path: '/webhooks/clerk', ...delivery(webhook, sequence, users, sequence) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/** How long the workers took to apply every stored event, from the first delivery to the last application. */
async function appliedRate(url: string, timeoutMs: number): Promise<{ events: number; perSecond: number; pending: number }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = (
      await withClient(url, (client) =>
        client.query(`SELECT count(*)::int AS events, count(*) FILTER (WHERE applied_at IS NULL)::int AS pending,
                             extract(epoch FROM max(applied_at) - min(received_at))::float8 AS seconds FROM clerk_webhook_events`),
      )
    ).rows;
    if (row.pending === 0 || Date.now() > until)
      return { events: row.events, perSecond: row.events / Math.max(row.seconds ?? 1, 0.001), pending: row.pending };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Clerk webhook deliveries (`user.updated`, each a real rename with its audit row) against one app
 * process: at the target rate, the answer's p99; then as fast as answers come, the most it takes;
 * and how fast the workers apply what was stored.
 */
async function main(): Promise<void> {
  const durationSeconds = argNumber('duration', 10);
  const connections = argNumber('connections', 10);
  const users = argNumber('users', 500);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('webhooks');
  await seedLinkedUsers(database.url, users);
  const app = await startAppProcess({
    DATABASE_URL: database.url,
    CLERK_SECRET_KEY: DEFAULT_TEST_SECRET_KEY,
    CLERK_API_URL: emulator.url,
    CLERK_WEBHOOK_SIGNING_SECRET: secret,
  });
  try {
    await load(app.url, secret, users, { durationSeconds: 2, connections });
    const atTarget = await load(app.url, secret, users, { durationSeconds, connections, overallRate: TARGET_RATE });
    const flat = await load(app.url, secret, users, { durationSeconds, connections });
    const applied = await appliedRate(database.url, 120_000);
    await publish({
      name: 'webhooks',
      title: 'Clerk webhook deliveries',
      figures: [
        {
          name: `p99 at ${TARGET_RATE} deliveries/s`,
          value: atTarget.p99Ms,
          unit: 'ms',
          target: `< ${TARGET_P99_MS}`,
          met: atTarget.p99Ms < TARGET_P99_MS && atTarget.bad === 0,
        },
        { name: `p50 at ${TARGET_RATE} deliveries/s`, value: atTarget.p50Ms, unit: 'ms' },
        {
          name: 'deliveries/s, as fast as answered',
          value: flat.requestsPerSecond,
          target: `≥ ${TARGET_RATE}`,
          met: flat.requestsPerSecond >= TARGET_RATE && flat.bad === 0,
        },
        { name: 'p99, as fast as answered', value: flat.p99Ms, unit: 'ms' },
        { name: 'events applied/s (workers, one process)', value: applied.perSecond },
      ],
      notes: [
        `autocannon, ${connections} connections; ${durationSeconds} s at ${TARGET_RATE}/s offered, then ${durationSeconds} s as fast as answers come, against one app process on the same machine (each gets about one of the two cores).`,
        `Every delivery is a distinct svix-id, signed with standardwebhooks in the load generator: a user.updated renaming one of ${users} linked users (a users UPDATE and a sync.user.updated audit row when applied).`,
        'The answer covers verification (@clerk/backend verifyWebhook on the raw body) and one INSERT; applying happens after, in the workers (2 loops per process, FOR UPDATE SKIP LOCKED).',
        `${applied.events} events stored, ${applied.pending} still pending when measured; bad answers: ${atTarget.bad} at the target rate, ${flat.bad} flat out.`,
      ],
      details: { atTarget, flat, applied: { ...applied, perSecond: round(applied.perSecond) } },
    });
  } finally {
    await app.stop();
    await database.drop();
    await emulator.stop();
  }
}

void main();
