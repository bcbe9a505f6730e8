import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { cliEnvironment } from './cli.js';
import { eventually } from './eventually.js';

/** The compiled service, as `npm start` runs it. */
export const MAIN_PATH = resolve(process.cwd(), 'dist/src/main.js');

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** What the process printed on stderr so far (its logs go to stdout). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the compiled service as a real process with only `env` (plus PATH/HOME), waits until it
 * answers `/health/live`, and returns how to reach and stop it.
 */
export async function startAppProcess(env: Record<string, string | undefined>): Promise<AppProcess> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [MAIN_PATH], {
    env: cliEnvironment({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const live = async () => {
    if (child.exitCode !== null) throw new Error(`the app process exited with ${child.exitCode}: ${stderr}`);
    return fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
  };
  if (!(await eventually(live, (ok) => ok, { timeoutMs: 30_000, intervalMs: 100 })))
    throw new Error(`the app process never answered on ${url}: ${stderr}`);
  return {
    url,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
