import { constants } from 'node:os';
import { InvalidConfigError } from '../../src/config/env-reader.js';
import { EmbeddedPostgresError } from '../../src/database/embedded-postgres.error.js';
import { DemoDatabaseInUseError } from './demo-database.js';

/**
 * How `npm run demo` and `npm run dev` end on a failure. A set-up problem (an embedded PostgreSQL
 * that cannot start, a demo database in use, a bad setting, a taken port) is the operator's to fix:
 * one line saying what and how, exit code 2, no stack trace.
 */
export function exitOnFailure(name: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof EmbeddedPostgresError || error instanceof DemoDatabaseInUseError) {
      console.error(`${name}: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof InvalidConfigError) {
      for (const problem of error.problems) console.error(`${name}: invalid configuration: ${problem}`);
      process.exit(2);
    }
    const { code, port } = error as { code?: string; port?: number };
    if (code === 'EADDRINUSE') {
      console.error(`${name}: port ${port ?? ''} is taken by another program; set PORT (and CLERK_EMULATOR_PORT) to free ones`);
      process.exit(2);
    }
    console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  };
}

/** The exit code a shell reports for a process ended by `signal`. */
export const signalExitCode = (signal: NodeJS.Signals): number => 128 + constants.signals[signal];

/**
 * Calls `stop` on the first SIGINT or SIGTERM. The listeners stay: Nest re-raises the signal once
 * its own shutdown is done, which would otherwise kill the process before `stop` has finished.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
  }
}
