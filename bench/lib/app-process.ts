import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childExecArgv } from './migration-process.js';

export interface AppProcess {
  url: string;
  stop(): Promise<void>;
}

/** A legacy JWT secret for benchmarks only (≥ 32 bytes, as the config demands). */
export const BENCH_LEGACY_SECRET = 'bench-legacy-secret-that-is-at-least-32-bytes';

const BASE_ENV = {
  LOG_LEVEL: 'silent',
  MIGRATION_SCHEDULE_ENABLED: 'false',
  LEGACY_JWT_SECRET: BENCH_LEGACY_SECRET,
  NODE_ENV: 'production',
  // Production's default is every interface; the benchmarks' app stays on loopback, as it always has.
  HOST: '127.0.0.1',
  // Required in production: the emulator's session tokens are minted for this origin unless told otherwise.
  CLERK_AUTHORIZED_PARTIES: 'http://localhost:3000',
};

/**
 * Starts the app in its own process, so that the load generator in this one does not steal its
 * event loop (on two cores each gets roughly one).
 */
export function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'app-child.js');
  const child = fork(script, [], {
    env: { ...process.env, ...BASE_ENV, ...env },
    execArgv: childExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<AppProcess>((resolve, reject) => {
    child.once('message', (message) => {
      const { url } = message as { url: string };
      resolve({ url, stop: () => (child.kill('SIGTERM'), exited) });
    });
    child.once('exit', (code) => reject(new Error(`app exited with ${code} before listening`)));
  });
}
