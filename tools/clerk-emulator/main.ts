import { DEFAULT_LIVE_SECRET_KEY, DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from './clerk-emulator.js';

/**
 * `npm run clerk:emulator [-- --port 4010 --key sk_test_… --no-rate-limit]`. The emulator is a
 * development tool outside the app, so it reads its own few environment variables here:
 * CLERK_EMULATOR_PORT, CLERK_EMULATOR_SECRET_KEYS (comma-separated), CLERK_EMULATOR_RATE_LIMIT=off,
 * CLERK_EMULATOR_WEBHOOK_URL and CLERK_EMULATOR_WEBHOOK_SECRET (`--webhook-url`, `--webhook-secret`).
 */
function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(flag('port') ?? process.env.CLERK_EMULATOR_PORT ?? 4010);
  const keys = (flag('key') ?? process.env.CLERK_EMULATOR_SECRET_KEYS)
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const rateLimitOff = process.argv.includes('--no-rate-limit') || process.env.CLERK_EMULATOR_RATE_LIMIT === 'off';
  const emulator = await startClerkEmulator({
    port,
    host: flag('host') ?? '127.0.0.1',
    secretKeys: keys?.length ? keys : [DEFAULT_TEST_SECRET_KEY, DEFAULT_LIVE_SECRET_KEY],
    rateLimit: rateLimitOff ? false : undefined,
    webhooks: {
      url: flag('webhook-url') || process.env.CLERK_EMULATOR_WEBHOOK_URL || undefined,
      secret: flag('webhook-secret') || process.env.CLERK_EMULATOR_WEBHOOK_SECRET || undefined,
    },
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

main().catch((err: unknown) => {
  process.stderr.write(`clerk emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
