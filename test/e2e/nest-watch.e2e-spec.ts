import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { cliEnvironment } from '../utils/cli.js';
import { eventually } from '../utils/eventually.js';
import { createTestDatabase, type TestDatabase } from '../utils/test-database.js';

const ROOT = resolve(process.cwd());
/** What `nest start --watch` needs of the project; the copy is edited, never the checkout itself. */
const PROJECT_FILES = ['src', 'nest-cli.json', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/**
 * `npm run start:dev` is the developer's edit-reload loop (issue 25): a saved change to `src/`
 * is compiled and the API restarted with it. Run on a scratch copy of the project, so the
 * checkout's own `dist/` (which the other tests run) is never rebuilt under them.
 */
describe('npm run start:dev (nest start --watch)', () => {
  let copy: string;
  let db: TestDatabase;
  let watcher: ChildProcess | undefined;

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'clerk-migrate-watch-'));
    for (const file of PROJECT_FILES) await cp(join(ROOT, file), join(copy, file), { recursive: true });
    await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    db = await createTestDatabase();
  });

  afterAll(async () => {
    if (watcher && watcher.exitCode === null) {
      // npm was started in a process group of its own (detached): stop nest and the app with it.
      process.kill(-watcher.pid!, 'SIGTERM');
      await once(watcher, 'exit');
    }
    await db?.drop();
    await rm(copy, { recursive: true, force: true });
  });

  it('serves the API, then restarts it with a saved change to src/', async () => {
    const port = await findFreePort();
    watcher = spawn('npm', ['run', '-s', 'start:dev'], {
      cwd: copy,
      env: cliEnvironment({
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LEGACY_JWT_SECRET: 'a-development-secret-of-at-least-32-bytes',
        MIGRATION_SCHEDULE_ENABLED: 'false',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    for (const stream of [watcher.stdout!, watcher.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const live = () =>
      fetch(`http://127.0.0.1:${port}/health/live`).then(
        (response) => response.ok,
        () => false,
      );

    expect(await eventually(live, Boolean, { timeoutMs: 120_000, intervalMs: 250 })).toBe(true);

    // Something the running code can only print once the change has been compiled and loaded.
    const marker = `reloaded-${Date.now()}`;
    await appendFile(join(copy, 'src/main.ts'), `\nprocess.stdout.write('${marker}\\n');\n`);

    const seen = await eventually(async () => output.includes(marker), Boolean, 120_000);
    expect({ seen, output: seen ? '' : output.slice(-2_000) }).toEqual({ seen: true, output: '' });
    expect(await eventually(live, Boolean, { timeoutMs: 60_000, intervalMs: 250 })).toBe(true);
  }, 300_000);
});
