#!/usr/bin/env node
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';
import { npmKeptOptionsError, optionsKeptByNpm } from './cli/cli-arguments.js';
import { cliLogger } from './cli/cli-logger.js';
import { CliOutput } from './cli/cli-output.js';
import { CliUsageError, ExitCode } from './cli/cli-usage.error.js';

// Read before parsing, so that even a parse error comes out as JSON when JSON was asked for.
const json = process.argv.includes('--json');

interface CommanderFailure {
  code: string;
  exitCode: number;
  message: string;
}

function isCommanderFailure(error: unknown): error is CommanderFailure {
  const candidate = error as Partial<CommanderFailure>;
  return error instanceof Error && typeof candidate.code === 'string' && candidate.code.startsWith('commander.');
}

/**
 * Parse errors (unknown option, missing argument) are bad input, printed like every other error
 * (`error: … (code)`, or JSON); help and version are not errors at all.
 */
function onFailure(error: unknown): void {
  if (isCommanderFailure(error)) {
    if (error.exitCode === 0) return;
    process.exitCode = ExitCode.Usage;
    // No command at all: the help it printed (on stderr) says everything a person needs.
    if (error.code === 'commander.help' && !json) return;
    const message = error.code === 'commander.help' ? 'no command given; see --help' : error.message.replace(/^error: /, '');
    new CliOutput(json).failure(new CliUsageError(message.replace(/\s*\n\s*/g, ' ')));
    return;
  }
  process.exitCode = new CliOutput(json).failure(error);
}

async function main(): Promise<void> {
  const keptByNpm = optionsKeptByNpm(process.env, process.argv.slice(2));
  if (keptByNpm.length > 0) throw npmKeptOptionsError(keptByNpm);
  await CommandFactory.run(CliModule, {
    logger: cliLogger(),
    abortOnError: false,
    errorHandler: (error) => {
      throw error;
    },
    serviceErrorHandler: onFailure,
    // Commander's own error text is left out: onFailure prints it in the house format.
    outputConfiguration: { outputError: () => undefined },
  });
}

main()
  .catch(onFailure)
  // Whatever a library left open (keep-alive sockets, timers) must not keep a finished command alive.
  .finally(() => process.stdout.write('', () => process.exit(process.exitCode ?? ExitCode.Ok)));
