import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { LOG_LEVELS, showsStacks, type LogLevelName } from '../config/app.config.js';

/** Nest's levels that a pino-style level name lets through. */
const NEST_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function nestLogLevels(level: LogLevelName): LogLevel[] {
  if (level === 'silent') return [];
  return NEST_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/**
 * Nest's console logger for what a person reads: the CLI, and the service until its JSON logger
 * takes over. Everything goes to stderr (stdout is the CLI's result); stacks only at `debug` and
 * below. Nest's own report of a failed start is left out, since the entry point prints that error
 * itself, plainly, once.
 */
export class StderrLogger extends ConsoleLogger {
  private readonly stacks: boolean;

  constructor(level: LogLevelName) {
    super({ logLevels: nestLogLevels(level), colors: Boolean(process.stderr.isTTY) });
    this.stacks = showsStacks(level);
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _stream?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    if (context === 'ExceptionHandler' && !this.stacks) return;
    // TypeORM reports each retry of the first connection as an error with a stack; the caller reports the final
    // failure, plainly. The retries are information, seen from the `info` level on.
    const level = context === 'TypeOrmModule' && logLevel === 'error' ? 'log' : logLevel;
    if (level && !this.isLevelEnabled(level)) return;
    super.printMessages(messages, context, level, 'stderr', errorStack, params);
  }

  protected override printStackTrace(stack: string): void {
    if (this.stacks) super.printStackTrace(stack);
  }
}
