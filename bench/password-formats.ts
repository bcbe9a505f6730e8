import { PasswordFormats, type PasswordFormatName } from '../src/passwords/password-formats.js';
import { DEFAULT_TEST_SECRET_KEY, startClerkEmulator } from '../tools/clerk-emulator/index.js';
import { startAppProcess, type AppProcess } from './lib/app-process.js';
import { argNumber } from './lib/args.js';
import { createBenchDatabase, seedLegacyUsers } from './lib/bench-database.js';
import { BENCH_PASSWORD_ENV, BENCH_PASSWORD_SETTINGS, productionHashes, type LegacyHash } from './lib/legacy-hashes.js';
import { percentile } from './lib/percentile.js';
import { publish, type Figure } from './lib/results.js';

const PASSWORD = 'bench-password';
const email = (index: number) => `bench.user${index + 1}@example.com`;

/**
 * The cost of one legacy login per password format, at each format's production cost: the whole
 * `POST /auth/login` (look-up, check, token, audit row) against the app in its own process, and the
 * password check alone (the format's own `verify`) in this one. Formats take turns, round after round,
 * so that a change in the machine's load falls on all of them alike.
 */
async function main(): Promise<void> {
  const rounds = argNumber('rounds', 20);
  const hashes = productionHashes(PASSWORD) as Record<PasswordFormatName, LegacyHash>;
  const formats = Object.keys(hashes) as PasswordFormatName[];
  // A pepper turns every bcrypt hash into Devise's: the peppered one has an app (and formats) of its own.
  const peppered = (format: PasswordFormatName) => format === 'bcrypt_peppered';
  const plainFormats = new PasswordFormats({ firebase: BENCH_PASSWORD_SETTINGS.firebase });
  const pepperedFormats = new PasswordFormats(BENCH_PASSWORD_SETTINGS);
  const formatsOf = (format: PasswordFormatName) => (peppered(format) ? pepperedFormats : plainFormats);
  for (const format of formats) {
    if (formatsOf(format).detect(hashes[format].hash)?.name !== format)
      throw new Error(`the ${format} hash was not recognised as ${format}`);
  }
  const emulator = await startClerkEmulator({ rateLimit: false });
  const database = await createBenchDatabase('password_formats');
  const apps: AppProcess[] = [];
  try {
    const env = {
      DATABASE_URL: database.url,
      CLERK_SECRET_KEY: DEFAULT_TEST_SECRET_KEY,
      CLERK_API_URL: emulator.url,
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      LOGIN_MAX_FAILURES_PER_IP_EMAIL: '100000',
      LOGIN_MAX_FAILURES_PER_EMAIL: '100000',
      ...BENCH_PASSWORD_ENV,
    };
    apps.push(await startAppProcess(env), await startAppProcess({ ...env, PASSWORD_PEPPER: BENCH_PASSWORD_SETTINGS.pepper }));
    const appFor = (format: PasswordFormatName) => apps[peppered(format) ? 1 : 0];
    for (const [index, format] of formats.entries()) await seedLegacyUsers(database.url, 1, hashes[format].hash, index);
    const login: Record<string, number[]> = Object.fromEntries(formats.map((f) => [f, []]));
    const check: Record<string, number[]> = Object.fromEntries(formats.map((f) => [f, []]));
    // One untimed round first: JIT, connection pool, the phpass workers.
    for (let round = 0; round <= rounds; round++) {
      for (const [index, format] of formats.entries()) {
        const loginMs = await timed(() => legacyLogin(appFor(format).url, email(index)));
        const checkMs = await timed(() => expectTrue(formatsOf(format).verify(PASSWORD, hashes[format].hash)));
        if (round === 0) continue;
        login[format].push(loginMs);
        check[format].push(checkMs);
      }
    }
    await publish({
      name: 'password-formats',
      title: 'One legacy login per password format',
      figures: formats.flatMap((format): Figure[] => [
        { name: `${format}: login p50`, value: percentile(login[format], 50), unit: 'ms' },
        { name: `${format}: password check alone p50`, value: percentile(check[format], 50), unit: 'ms' },
      ]),
      notes: [
        `Costs: ${formats.map((format) => `${format} ${hashes[format].cost}`).join('; ')}.`,
        `${rounds} logins per format, one at a time, formats taking turns; p50 of the client-side time of POST /auth/login against the app (NODE_ENV=production, its own process; bcrypt_peppered against a second one with PASSWORD_PEPPER set), and of the format's own verify in the bench process.`,
        'Each format at the cost its writer uses by default. The slow ones run off the event loop: bcrypt, argon2 (@node-rs/argon2), PBKDF2 and scrypt (node:crypto) on libuv’s thread pool, phpass’s md5 and Symfony’s sha512 rounds on worker threads; all of them under LEGACY_BCRYPT_CONCURRENCY.',
        'What a login adds to the check is the same for every format: the user look-up, the token and the audit row.',
      ],
      details: { rounds, costs: Object.fromEntries(formats.map((f) => [f, hashes[f].cost])), loginMs: login, checkMs: check },
    });
  } finally {
    for (const app of apps) await app.stop();
    await database.drop();
    await emulator.stop();
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function legacyLogin(appUrl: string, userEmail: string): Promise<void> {
  const response = await fetch(`${appUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: userEmail, password: PASSWORD }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`login of ${userEmail} answered ${response.status}`);
}

async function expectTrue(answer: Promise<boolean>): Promise<void> {
  if (!(await answer)) throw new Error('a password check failed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
