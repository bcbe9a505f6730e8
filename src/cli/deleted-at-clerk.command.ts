import { Command, Help, Option } from 'nest-commander';
import { parseWholeNumber } from './cli-arguments.js';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CliCommand, examples, type JsonOption } from './cli.command.js';
import { renderTable } from './text-table.js';

interface ListOptions extends JsonOption {
  limit?: number;
  offset?: number;
}

@Command({
  name: 'deleted-at-clerk',
  description: 'List people whose Clerk account was deleted at Clerk: their rows are kept for the product to apply its retention policy',
})
export class DeletedAtClerkCommand extends CliCommand<ListOptions> {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Option({ flags: '--limit <n>', description: 'at most this many, newest first (1 to 10000; default 100)' })
  parseLimit(raw: string): number {
    return parseWholeNumber('--limit', raw, 1, 10_000);
  }

  @Option({ flags: '--offset <n>', description: 'skip this many first' })
  parseOffset(raw: string): number {
    return parseWholeNumber('--offset', raw, 0, 10_000_000);
  }

  @Help('after')
  help(): string {
    return examples('deleted-at-clerk', 'deleted-at-clerk --json --limit 1000');
  }

  protected async execute(_params: string[], options: ListOptions): Promise<CommandResult> {
    const page = await (await this.core.sync()).listDeletedAtClerk({ limit: options.limit ?? 100, offset: options.offset ?? 0 });
    const rows = page.items.map((item) => [item.userId, item.email, item.clerkUserId, new Date(item.deletedAt).toISOString(), item.source]);
    const text =
      page.total === 0
        ? 'Nobody has been deleted at Clerk.'
        : `${renderTable(['user', 'email', 'Clerk account', 'deleted at', 'found by'], rows)}\n${page.items.length} of ${page.total}`;
    return { json: page, text };
  }
}
