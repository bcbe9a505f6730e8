import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildRequest {
  mode: 'migrate' | 'dry-run';
}

export interface ChildResult {
  status: string;
  counts: Record<string, unknown>;
  bootMs: number;
  /** The migration call alone, start-up excluded. */
  elapsedMs: number;
  peakRssBytes: number;
  /** The kernel's peak resident set (VmHWM), start-up included. */
  hwmBytes?: number;
}

/** Env every bench child gets: quiet, no nightly sweep, no .env surprises for the keys we set. */
const BASE_ENV = { LOG_LEVEL: 'silent', MIGRATION_SCHEDULE_ENABLED: 'false' };

/** E.g. BENCH_CHILD_EXEC_ARGV="--cpu-prof --cpu-prof-dir=/tmp/prof", to see where a measured process spends its time. */
export function childExecArgv(): string[] {
  return process.env.BENCH_CHILD_EXEC_ARGV?.split(' ').filter(Boolean) ?? [];
}

/** Runs a migration or a dry run in a child process with `env` and returns what it measured. */
export function runMigrationProcess(mode: ChildRequest['mode'], env: Record<string, string>): Promise<ChildResult> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'migration-child.js');
  const child = fork(script, [], {
    env: { ...process.env, ...BASE_ENV, ...env },
    execArgv: childExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ChildResult>((resolve, reject) => {
    let result: ChildResult | undefined;
    child.once('message', (message) => (result = message as ChildResult));
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`migration child exited with ${code} and no result`))));
    child.send({ mode } satisfies ChildRequest);
  });
}
