import type { Command } from 'commander';
import { CommandRunner, Option } from 'nest-commander';
import { CliOutput, type CommandResult } from './cli-output.js';

export interface JsonOption {
  json?: boolean;
}

/**
 * What every command shares: `--json`, one place that prints the result or the error, and the
 * exit code. Subclasses only turn options into one `MigrationService` call and its result.
 */
export abstract class CliCommand<Options extends JsonOption = JsonOption> extends CommandRunner {
  @Option({ flags: '--json', description: 'print one JSON document on stdout (logs and progress go to stderr)' })
  parseJson(): boolean {
    return true;
  }

  /** Parse errors of a command throw, like the program's, so that `cli.ts` gives them exit code 2. */
  override setCommand(command: Command): this {
    command.exitOverride();
    return super.setCommand(command);
  }

  async run(params: string[], options?: Options): Promise<void> {
    const output = new CliOutput(Boolean(options?.json));
    try {
      process.exitCode = output.result(await this.execute(params, options ?? ({} as Options), output));
    } catch (error) {
      process.exitCode = output.failure(error);
    }
  }

  protected abstract execute(params: string[], options: Options, output: CliOutput): Promise<CommandResult>;
}

export interface ConfirmOptions extends JsonOption {
  dryRun?: boolean;
  yes?: boolean;
}

/** A command that changes data: it runs only with `--yes`, or shows what it would do with `--dry-run`. */
export abstract class ConfirmedCommand<Options extends ConfirmOptions = ConfirmOptions> extends CliCommand<Options> {
  @Option({ flags: '--dry-run', description: 'show what would change, change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--yes', description: 'confirm: required unless --dry-run' })
  parseYes(): boolean {
    return true;
  }
}

/** The `--help` footer of a command: its examples. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ clerk-migrate ${line}`).join('\n')}\n`;
}

/** Who the audit log says did it. */
export const CLI_ACTOR = 'cli';
