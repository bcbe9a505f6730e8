import { constants } from 'node:os';
import { EmbeddedPostgresError } from '../../src/database/embedded-postgres.error.js';

/**
 * How `npm run demo` and `npm run dev` end on a failure. An embedded PostgreSQL that cannot start is
 * a set-up problem: its message (what failed, the ways out) and exit code 2, no stack trace.
 */
export function exitOnFailure(name: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof EmbeddedPostgresError) {
      console.error(`${name}: ${error.message}`);
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
