import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { argNumber } from './lib/args.js';
import { benchPasswordHash, createBenchDatabase, seedLegacyUsers } from './lib/bench-database.js';
import { percentile } from './lib/percentile.js';
import { publish } from './lib/results.js';

/** The repository root, from `dist-tools/bench/` where this runs. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET_SECONDS = 1.5;

interface Way {
  name: string;
  command: string;
  args: string[];
}

/**
 * How long `stats` takes from a shell, each way an operator can start it: the compiled program
 * itself, `npm run cli` (npm, then the freshness check, then the same program in the same
 * process), and the way `npm run cli` went before (npm, then the compiler, then the program).
 * The ways take turns, so that the machine's load falls on all of them alike.
 */
function ways(): Way[] {
  return [
    { name: 'node dist/src/cli.js stats', command: process.execPath, args: ['dist/src/cli.js', 'stats'] },
    { name: 'npm run cli -- stats', command: 'npm', args: ['run', '-s', 'cli', '--', 'stats'] },
    { name: 'node scripts/run.js dist/src/cli.js stats', command: process.execPath, args: ['scripts/run.js', 'dist/src/cli.js', 'stats'] },
    {
      // What `npm run cli` was: `npm run build --silent && node dist/src/cli.js`, the build an incremental tsc.
      name: 'before: npm, npm → tsc (nothing to rebuild), node dist/src/cli.js stats',
      command: 'npm',
      args: ['exec', '--', 'sh', '-c', 'npm exec -- tsc -p tsconfig.build.json && node dist/src/cli.js stats'],
    },
    { name: 'node dist/src/cli.js --help', command: process.execPath, args: ['dist/src/cli.js', '--help'] },
  ];
}

function timeOnce(way: Way, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(way.command, way.args, { cwd: ROOT, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${way.name} exited ${result.status}: ${result.stderr}`);
  if (result.stderr.includes('compiling')) throw new Error(`${way.name} compiled: build first (npm run build)`);
  return seconds;
}

async function main(): Promise<void> {
  const rounds = argNumber('rounds', 9);
  const database = await createBenchDatabase('cli_latency');
  try {
    await seedLegacyUsers(database.url, 10_000, benchPasswordHash());
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url };
    const all = ways();
    const times = new Map<string, number[]>(all.map((way) => [way.name, []]));
    // One untimed round warms the file cache, as an operator's second command finds it.
    for (const way of all) timeOnce(way, env);
    for (let round = 0; round < rounds; round += 1) {
      for (const way of all) times.get(way.name)!.push(timeOnce(way, env));
    }
    const median = (name: string) =>
      percentile(
        times.get(name)!.map((s) => s * 1000),
        50,
      ) / 1000;
    const compiled = median(all[0].name);
    const npm = median(all[1].name);
    await publish({
      name: 'cli-latency',
      title: 'CLI latency: `stats` from a shell',
      figures: [
        ...all.map((way) => ({ name: `${way.name}: median`, value: median(way.name), unit: 's' })),
        { name: '`npm run cli -- stats`: median', value: npm, unit: 's', target: `≤ ${TARGET_SECONDS} s`, met: npm <= TARGET_SECONDS },
        { name: '`npm run cli -- stats` over the compiled program', value: npm - compiled, unit: 's (npm’s own start)' },
      ],
      notes: [
        `${rounds} timed rounds after one untimed one, the ways taking turns; a database of 10,000 legacy users.`,
        '`npm run cli` compiles nothing when dist/ is newer than every file under src/: `scripts/run.js` compares times, ' +
          'then imports `dist/src/cli.js` in its own process.',
        'What is left over the compiled program is npm starting (reading package.json, spawning a shell).',
      ],
      details: { rounds, seconds: Object.fromEntries(times) },
    });
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
