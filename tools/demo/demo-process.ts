import { constants } from 'node:os';
import { InvalidConfigError } from '../../src/config/env-reader.js';
import { isSetupFailure, SETUP_FAILURE_EXIT_CODE } from '../../src/setup-failure.js';
import { DemoDatabaseInUseError } from './demo-database.js';

/**
 * How `npm run demo` and `npm run dev` end on a failure. A set-up problem (the service's, a demo
 * database in use, a taken port) is the operator's to fix: one line per problem saying what and how,
 * `SETUP_FAILURE_EXIT_CODE`, no stack trace.
 */
export function exitOnFailure(name: string): (error: unknown) => never {
  return (error) => {
    const lines = setupProblems(error);
    if (lines === undefined) {
      console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    }
    for (const line of lines) console.error(`${name}: ${line}`);
    process.exit(SETUP_FAILURE_EXIT_CODE);
  };
}

/** What to print of a set-up problem; undefined for any other failure. */
function setupProblems(error: unknown): string[] | undefined {
  if (error instanceof InvalidConfigError) return error.problems.map((problem) => `invalid configuration: ${problem}`);
  if (isSetupFailure(error) || error instanceof DemoDatabaseInUseError) return [(error as Error).message];
  const { code, port } = error as { code?: string; port?: number };
  if (code === 'EADDRINUSE') return [`port ${port ?? ''} is taken by another program; set PORT (and CLERK_EMULATOR_PORT) to free ones`];
  return undefined;
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
