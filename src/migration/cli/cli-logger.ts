import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's logger for the CLI: everything on stderr, so that stdout carries only the command's
 * output (one JSON document with --json), and only warnings and errors, so that a command's
 * output is not buried under start-up chatter.
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, _stream?: 'stdout' | 'stderr', errorStack?: unknown, params?: Record<string, unknown>): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}

export function cliLogger(): StderrLogger {
  return new StderrLogger({ logLevels: ['fatal', 'error', 'warn'], colors: Boolean(process.stderr.isTTY) });
}
