import { AppError, CommonErrorCode } from '../common/app-error.js';
import { asClerkFailure } from '../common/error-body.js';
import { cliLogLevel, showsStacks } from '../config/app.config.js';
import { InvalidConfigError } from '../config/env-reader.js';
import { DatabaseUnavailableError } from '../database/database-connection.error.js';
import { MigrationErrorCode } from '../migration/migration.error.js';
import { isSetupFailure } from '../setup-failure.js';
import { CliErrorCode, CliUsageError, ExitCode } from './cli-usage.error.js';

export interface CliFailure {
  code: string;
  message: string;
  /** A configuration error's problems, one per variable. */
  problems?: string[];
}

/** What a command hands back; `CliOutput` decides how it is shown. */
export interface CommandResult {
  /** The one JSON document printed on stdout with `--json`. */
  json: unknown;
  /** What a person reads on stdout without `--json`. */
  text: string;
  exitCode?: number;
  /** The work ran but failed (a failed run): printed as the error line, exit code 1 unless set. */
  error?: CliFailure;
  /** The command already wrote its output with `stream`: nothing more is printed. */
  streamed?: boolean;
}

/** Lines gathered into one write: a million single-line writes would cost more than the query. */
const STREAM_CHUNK_LINES = 500;

/**
 * The only writer of stdout. With `--json`, stdout carries exactly one JSON document, whatever
 * happens; everything meant for a person on the side (logs, progress) goes to stderr.
 */
export class CliOutput {
  constructor(readonly json: boolean) {}

  /** Prints the result and returns the exit code. */
  result(result: CommandResult): number {
    const exitCode = result.exitCode ?? (result.error ? ExitCode.Failed : ExitCode.Ok);
    if (result.streamed) return exitCode;
    if (this.json) {
      const body = result.error ? { error: result.error, ...(isObject(result.json) ? result.json : { result: result.json }) } : result.json;
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return exitCode;
    }
    if (result.text) process.stdout.write(`${result.text}\n`);
    if (result.error) this.errorLine(result.error);
    return exitCode;
  }

  /**
   * Writes lines to stdout as they come, waiting whenever the reader is slower, so that memory
   * stays flat however many there are. A reader that goes away (`| head`) simply ends it.
   */
  async stream(lines: AsyncIterable<string>): Promise<void> {
    let closed = false;
    const onError = () => (closed = true);
    process.stdout.on('error', onError);
    try {
      let chunk: string[] = [];
      for await (const line of lines) {
        chunk.push(line);
        if (chunk.length < STREAM_CHUNK_LINES) continue;
        if (!(await write(chunk.join('')))) return;
        chunk = [];
      }
      if (chunk.length > 0) await write(chunk.join(''));
    } finally {
      process.stdout.off('error', onError);
    }

    async function write(text: string): Promise<boolean> {
      if (closed) return false;
      if (!process.stdout.write(text)) await drained(process.stdout);
      return !closed;
    }
  }

  /** Prints what was thrown, with its stack only at a debug log level, and returns the exit code. */
  failure(thrown: unknown): number {
    const failure = describeFailure(thrown);
    if (this.json) process.stdout.write(`${JSON.stringify({ error: failure }, null, 2)}\n`);
    else this.errorLine(failure);
    if (thrown instanceof Error && wantsStacks()) process.stderr.write(`${stackOf(thrown)}\n`);
    return exitCodeOf(thrown);
  }

  /** One line per problem: a bad configuration names each variable on its own line. */
  private errorLine(failure: CliFailure): void {
    for (const message of failure.problems ?? [failure.message]) process.stderr.write(`error: ${message} (${failure.code})\n`);
  }
}

function exitCodeOf(thrown: unknown): number {
  // A set-up problem is like bad input: the fix is the operator's.
  if (thrown instanceof CliUsageError || isSetupFailure(thrown)) return ExitCode.Usage;
  if (thrown instanceof DatabaseUnavailableError) return ExitCode.DatabaseUnavailable;
  // Nothing was done and nothing is wrong: a script may wait and try again.
  if (thrown instanceof AppError && thrown.code === MigrationErrorCode.RunInProgress) return ExitCode.Busy;
  return ExitCode.Failed;
}

function wantsStacks(): boolean {
  try {
    return showsStacks(cliLogLevel());
  } catch {
    return false;
  }
}

/** The stack, and the stacks of its causes (a database error wraps the driver's). */
function stackOf(error: Error): string {
  const cause = error.cause instanceof Error ? `\ncaused by: ${stackOf(error.cause)}` : '';
  return `${error.stack ?? error.message}${cause}`;
}

export function describeFailure(thrown: unknown): CliFailure {
  if (thrown instanceof AppError) return { code: thrown.code, message: thrown.message };
  const clerk = asClerkFailure(thrown);
  if (clerk) return { code: clerk.code, message: clerk.message };
  if (thrown instanceof InvalidConfigError) {
    return { code: CliErrorCode.InvalidConfig, message: thrown.problems.join('; '), problems: thrown.problems };
  }
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    // Node's system errors (ECONNREFUSED, ENOTFOUND, …) say more with their own code.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return { code, message: thrown.message };
    return { code: CommonErrorCode.Internal, message: thrown.message };
  }
  return { code: CommonErrorCode.Internal, message: String(thrown) };
}

/** Resolves once the stream takes more, or fails. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('error', done);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
