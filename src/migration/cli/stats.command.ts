import { Command, Help } from 'nest-commander';
import { CliCoreContext } from './cli-core.context.js';
import { CliCommand, examples } from './cli.command.js';
import type { CommandResult } from './cli-output.js';
import { renderPairs } from './text-table.js';

@Command({ name: 'stats', description: 'Count users: in total, on Clerk, not yet, with a password hash, signed in through Clerk' })
export class StatsCommand extends CliCommand {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Help('after')
  help(): string {
    return examples('stats', 'stats --json');
  }

  protected async execute(): Promise<CommandResult> {
    const stats = await (await this.core.migration()).stats();
    const text = renderPairs([
      ['total', stats.total],
      ['on Clerk', stats.withClerk],
      ['not on Clerk', stats.withoutClerk],
      ['with password hash', stats.withPassword],
      ['signed in through Clerk', stats.signedInThroughClerk],
    ]);
    return { json: stats, text };
  }
}
