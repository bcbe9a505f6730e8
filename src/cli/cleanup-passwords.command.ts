import { Command, Help } from 'nest-commander';
import { requireConfirmation } from './cli-arguments.js';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CLI_ACTOR, ConfirmedCommand, examples, type ConfirmOptions } from './cli.command.js';
import { withProgress } from './progress-bar.js';
import { renderPairs } from './text-table.js';

@Command({
  name: 'cleanup-passwords',
  description: 'Remove the password hashes of users who have signed in through Clerk since they were linked; cannot be undone',
})
export class CleanupPasswordsCommand extends ConfirmedCommand {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Help('after')
  help(): string {
    return examples('cleanup-passwords --dry-run', 'cleanup-passwords --yes');
  }

  protected async execute(_params: string[], options: ConfirmOptions): Promise<CommandResult> {
    requireConfirmation(options, 'Removing password hashes cannot be undone');
    const migration = await this.core.migration();
    const request = { actor: CLI_ACTOR, confirm: Boolean(options.yes), dryRun: Boolean(options.dryRun) };
    const report = await withProgress(Boolean(options.json), (onProgress) => migration.cleanupPasswords(request, onProgress));
    const text = renderPairs([
      [report.dryRun ? 'would remove' : 'removed', report.removed],
      ['waiting for a Clerk sign-in', report.waitingForClerkSignIn],
      ['not on Clerk (kept)', report.notOnClerk],
    ]);
    return { json: report, text };
  }
}
