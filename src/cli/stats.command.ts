import { Command, Help } from 'nest-commander';
import { CliCoreContext } from './cli-core.context.js';
import { CliCommand, examples } from './cli.command.js';
import type { CommandResult } from './cli-output.js';
import { renderPairs } from './text-table.js';

@Command({
  name: 'stats',
  description: 'Count users: in total, on Clerk, not yet (by password format), with a password hash, signed in through Clerk',
})
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
      // Which database these numbers are from: an unset DATABASE_URL means the embedded one, often empty.
      ['database', await this.core.database()],
      ['total', stats.total],
      ['on Clerk', stats.withClerk],
      ['not on Clerk', stats.withoutClerk],
      ['with password hash', stats.withPassword],
      ['signed in through Clerk', stats.signedInThroughClerk],
      ['deleted at Clerk (kept)', stats.deletedAtClerk],
      // Those not yet on Clerk, by the format of their password hash; only the formats present.
      ...Object.entries(stats.byPasswordFormat)
        .filter(([, count]) => count > 0)
        .map(([format, count]): [string, number] => [`not on Clerk, ${format === 'none' ? 'no password' : format}`, count]),
    ]);
    return { json: stats, text };
  }
}
