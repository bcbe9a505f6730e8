import { AppError, CommonErrorCode } from '../../common/app-error.js';
import { asClerkFailure } from '../../common/error-body.js';
import { InvalidConfigError } from '../../config/env-reader.js';
import { EmbeddedPostgresError } from '../../database/embedded-postgres.error.js';
import { CliErrorCode, CliUsageError, ExitCode } from './cli-usage.error.js';

export interface CliFailure {
  code: string;
  message: string;
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
}

/**
 * The only writer of stdout. With `--json`, stdout carries exactly one JSON document, whatever
 * happens; everything meant for a person on the side (logs, progress) goes to stderr.
 */
export class CliOutput {
  constructor(readonly json: boolean) {}

  /** Prints the result and returns the exit code. */
  result(result: CommandResult): number {
    const exitCode = result.exitCode ?? (result.error ? ExitCode.Failed : ExitCode.Ok);
    if (this.json) {
      const body = result.error ? { error: result.error, ...(isObject(result.json) ? result.json : { result: result.json }) } : result.json;
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return exitCode;
    }
    if (result.text) process.stdout.write(`${result.text}\n`);
    if (result.error) this.errorLine(result.error);
    return exitCode;
  }

  /** Prints what was thrown and returns the exit code: 2 for bad input, 1 otherwise. */
  failure(thrown: unknown): number {
    const failure = describeFailure(thrown);
    if (this.json) process.stdout.write(`${JSON.stringify({ error: failure }, null, 2)}\n`);
    else this.errorLine(failure);
    // An embedded PostgreSQL that cannot start is a set-up problem, like bad input: the fix is the operator's.
    return thrown instanceof CliUsageError || thrown instanceof EmbeddedPostgresError ? ExitCode.Usage : ExitCode.Failed;
  }

  private errorLine(failure: CliFailure): void {
    process.stderr.write(`error: ${failure.message} (${failure.code})\n`);
  }
}

export function describeFailure(thrown: unknown): CliFailure {
  if (thrown instanceof AppError) return { code: thrown.code, message: thrown.message };
  const clerk = asClerkFailure(thrown);
  if (clerk) return { code: clerk.code, message: clerk.message };
  if (thrown instanceof InvalidConfigError) return { code: CliErrorCode.InvalidConfig, message: thrown.problems.join('; ') };
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    // Node's system errors (ECONNREFUSED, ENOTFOUND, …) say more with their own code.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return { code, message: thrown.message };
    // PostgreSQL's connection-time refusals: unknown database, bad password, no privilege.
    if (typeof code === 'string' && /^(3D000|28P01|28000|42501)$/.test(code)) {
      return { code: 'database_unavailable', message: `${thrown.message} (check DATABASE_URL)` };
    }
    return { code: CommonErrorCode.Internal, message: thrown.message };
  }
  return { code: CommonErrorCode.Internal, message: String(thrown) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
