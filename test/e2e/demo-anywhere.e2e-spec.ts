import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, realpath, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clusterPaths } from '../../src/database/embedded-postgres.js';
import { cliEnvironment, collect } from '../utils/cli.js';
import { expectTheDemoStory } from '../utils/demo.js';
import { postgresProcessesOf } from '../utils/embedded.js';

const ROOT = process.cwd();
const run = promisify(execFile);

/**
 * A clone of the working tree (what git tracks, and new files it does not ignore) in `folder`.
 * `node_modules` is a link to this checkout's: `npm ci` would cost a minute and the network, and
 * install the very same packages; what this test is about is where the checkout lives.
 */
async function cloneInto(folder: string): Promise<string> {
  const clone = join(folder, 'clerk-migrate');
  const listed = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, maxBuffer: 16 << 20 });
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (existsSync(join(ROOT, file))) await cp(join(ROOT, file), join(clone, file));
  }
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  return clone;
}

/**
 * `command` in the clone, in a process group of its own as a shell runs it, with nothing of this
 * process's environment but PATH and HOME: no DATABASE_URL.
 */
function runIn(clone: string, command: string[], env: Record<string, string> = {}) {
  const options: SpawnOptions = { cwd: clone, env: cliEnvironment(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] };
  const child = spawn(command[0], command.slice(1), options);
  return { child, ended: collect(child, command, 300_000) };
}

describe('npm run demo and npm run dev from a private folder (mktemp -d; as root on CI)', () => {
  let folder: string;
  let clone: string;
  let cluster: ReturnType<typeof clusterPaths>;

  beforeAll(async () => {
    folder = await realpath((await run('mktemp', ['-d'])).stdout.trim());
    clone = await cloneInto(folder);
    cluster = clusterPaths(join(clone, '.data/postgres'));
  }, 60_000);

  afterAll(async () => {
    for (const path of [...(cluster?.removable ?? []), folder]) if (path) await rm(path, { recursive: true, force: true });
  });

  it('the demo runs with no database of its own, exits 0, and leaves no PostgreSQL and no password file behind', async () => {
    const { code, stdout, stderr } = await runIn(clone, ['npm', 'run', '--silent', 'demo']).ended;

    expect({ code, tail: stdout.slice(-400), stderr: stderr.slice(-800) }).toMatchObject({ code: 0 });
    expectTheDemoStory(stdout);
    expect(await postgresProcessesOf(cluster.dataDir)).toEqual([]);
    expect(existsSync(join(cluster.dataDir, 'postmaster.pid'))).toBe(false);
    expect(existsSync(cluster.passwordFile)).toBe(false);
  }, 300_000);

  it('dev serves the API on the same cluster and stops cleanly on Ctrl-C', async () => {
    // What `npm run dev` runs once it has built dist/ (the demo just did): npm itself dies of a Ctrl-C, whatever its child does.
    const dev = runIn(clone, [process.execPath, 'dist-tools/tools/demo/dev.js'], {
      PORT: '0',
      CLERK_EMULATOR_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    let printed = '';
    await new Promise<void>((ready) =>
      dev.child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk;
        if (printed.includes('OpenAPI docs')) ready();
      }),
    );
    const api = /API\s+(\S+)/.exec(printed)![1];
    const live = await fetch(`${api}/health/live`);
    process.kill(-dev.child.pid!, 'SIGINT');
    const { code } = await dev.ended;

    expect(live.status).toBe(200);
    expect(code).toBe(0);
    expect(await postgresProcessesOf(cluster.dataDir)).toEqual([]);
    expect(existsSync(join(cluster.dataDir, 'postmaster.pid'))).toBe(false);
  }, 300_000);
});
