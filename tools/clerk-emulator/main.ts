import { parseArgs } from 'node:util';
import { DEFAULT_LIVE_SECRET_KEY, DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from './clerk-emulator.js';

/**
 * `npm run clerk:emulator [-- --port 4010 --key sk_test_… --no-rate-limit]`. The emulator is a
 * development tool outside the app, so it reads its own few environment variables here:
 * CLERK_EMULATOR_PORT, CLERK_EMULATOR_SECRET_KEYS (comma-separated), CLERK_EMULATOR_RATE_LIMIT=off
 * (the instance-wide and per-endpoint limits both), CLERK_EMULATOR_USER_CAP=off (`--no-user-cap`: a
 * development key may create more than 100 users), CLERK_EMULATOR_TIME_SCALE (`--time-scale 1000`),
 * CLERK_EMULATOR_WEBHOOK_URL and CLERK_EMULATOR_WEBHOOK_SECRET (`--webhook-url`, `--webhook-secret`).
 */
const USAGE = `usage: npm run clerk:emulator -- [options]

A local Clerk Backend API for tests, the demo and development (see tools/clerk-emulator/README.md).

  --port <n>              port to listen on (CLERK_EMULATOR_PORT; default 4010, 0 picks a free one)
  --host <address>        address to bind (default 127.0.0.1)
  --key <k1,k2>           secret keys it accepts (CLERK_EMULATOR_SECRET_KEYS; default one sk_test_ and one sk_live_)
  --no-rate-limit         no instance-wide or per-endpoint limits (CLERK_EMULATOR_RATE_LIMIT=off)
  --no-user-cap           let a development key create more than 100 users (CLERK_EMULATOR_USER_CAP=off)
  --time-scale <n>        per-endpoint windows pass n times faster: 1000 makes an hour 3.6 s (CLERK_EMULATOR_TIME_SCALE)
  --webhook-url <url>     send Clerk's webhooks there (CLERK_EMULATOR_WEBHOOK_URL)
  --webhook-secret <s>    their signing secret, whsec_… (CLERK_EMULATOR_WEBHOOK_SECRET; default a new one)
  -h, --help              this text
`;

/** The command line, parsed strictly: an unknown or misspelt option is an error, not silently ignored. */
function commandLine() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      key: { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      'no-user-cap': { type: 'boolean' },
      'time-scale': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

async function main(): Promise<void> {
  const args = commandLine();
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(args.port ?? process.env.CLERK_EMULATOR_PORT ?? 4010);
  const keys = (args.key ?? process.env.CLERK_EMULATOR_SECRET_KEYS)
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const rateLimitOff = args['no-rate-limit'] === true || process.env.CLERK_EMULATOR_RATE_LIMIT === 'off';
  const userCapOff = args['no-user-cap'] === true || process.env.CLERK_EMULATOR_USER_CAP === 'off';
  const timeScale = Number(args['time-scale'] ?? process.env.CLERK_EMULATOR_TIME_SCALE ?? 1);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got ${args.port ?? port}`);
  if (!(timeScale > 0)) throw new UsageError(`--time-scale must be a positive number, got ${args['time-scale']}`);
  const emulator = await startClerkEmulator({
    port,
    host: args.host ?? '127.0.0.1',
    secretKeys: keys?.length ? keys : [DEFAULT_TEST_SECRET_KEY, DEFAULT_LIVE_SECRET_KEY],
    rateLimit: rateLimitOff ? false : undefined,
    webhooks: {
      url: args['webhook-url'] || process.env.CLERK_EMULATOR_WEBHOOK_URL || undefined,
      secret: args['webhook-secret'] || process.env.CLERK_EMULATOR_WEBHOOK_SECRET || undefined,
    },
    endpointLimits: rateLimitOff ? false : undefined,
    developmentUserCap: userCapOff ? false : undefined,
    timeScale,
  });
  const webhookUrl = emulator.webhookSettings().url;
  process.stdout.write(
    `Clerk emulator listening on ${emulator.url}\n` +
      `  CLERK_API_URL=${emulator.url}\n` +
      `  CLERK_SECRET_KEY=${emulator.secretKey}\n` +
      `  accepted keys: ${emulator.secretKeys.join(', ')}\n` +
      `  test controls: ${emulator.url}/__emulator/{users,requests,reset,faults,rate-limit,sign-in,sign-up,tokens,keys,webhooks}\n` +
      `  webhooks: ${webhookUrl ?? 'off (--webhook-url to send them)'}\n` +
      `  CLERK_WEBHOOK_SIGNING_SECRET=${emulator.webhookSecret}\n`,
  );
  const shutdown = () => void emulator.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

class UsageError extends Error {}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  // parseArgs's own errors (an unknown option, a missing value) are bad input too: exit 2, with the usage.
  const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(usage ? `clerk emulator: ${message}\n\n${USAGE}` : `clerk emulator failed to start: ${message}\n`);
  process.exit(usage ? 2 : 1);
});
