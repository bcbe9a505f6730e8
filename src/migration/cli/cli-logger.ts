import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { cliLogLevel, LOG_LEVELS, type LogLevelName } from '../../config/app.config.js';

/**
 * Nest's logger for the CLI: everything on stderr, so that stdout carries only the command's
 * output (one JSON document with --json), at `CLI_LOG_LEVEL` (warnings and errors by default).
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, _stream?: 'stdout' | 'stderr', errorStack?: unknown, params?: Record<string, unknown>): void {
    // Nest's report of a failed start is a raw stack trace; the command prints that error itself, plainly.
    if (context === 'ExceptionHandler') return;
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}

/** Nest's levels that a pino-style level name lets through. */
const NEST_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function nestLogLevels(level: LogLevelName): LogLevel[] {
  if (level === 'silent') return [];
  return NEST_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

export function cliLogger(): StderrLogger {
  return new StderrLogger({ logLevels: nestLogLevels(cliLogLevel()), colors: Boolean(process.stderr.isTTY) });
}
