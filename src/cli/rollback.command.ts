import { Command, Help, Option } from 'nest-commander';
import type { RollbackReport } from '../migration/run-rollback.js';
import { parseRunId, requireConfirmation } from './cli-arguments.js';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CliUsageError } from './cli-usage.error.js';
import { CLI_ACTOR, ConfirmedCommand, examples, type ConfirmOptions } from './cli.command.js';
import { withProgress } from './progress-bar.js';
import { renderPairs, renderTable } from './text-table.js';

interface RollbackOptions extends ConfirmOptions {
  run?: string;
  deleteClerkUsers?: boolean;
}

@Command({
  name: 'rollback',
  description: 'Undo a run: clear the Clerk links it wrote and, with --delete-clerk-users, delete the Clerk accounts it created',
})
export class RollbackCommand extends ConfirmedCommand<RollbackOptions> {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Option({ flags: '--run <id>', description: 'the run to undo (see `runs`)' })
  parseRun(raw: string): string {
    return parseRunId('--run', raw);
  }

  @Option({
    flags: '--delete-clerk-users',
    description: 'also delete from Clerk the accounts this run created (never accounts that existed before)',
  })
  parseDeleteClerkUsers(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return examples('rollback --run <id> --dry-run', 'rollback --run <id> --yes', 'rollback --run <id> --delete-clerk-users --yes');
  }

  protected async execute(_params: string[], options: RollbackOptions): Promise<CommandResult> {
    if (!options.run) throw new CliUsageError('--run <id> is required: the run to undo (see `runs`)');
    requireConfirmation(options, 'Rollback unlinks users from Clerk');
    const migration = await this.core.migration();
    const request = {
      runId: options.run,
      actor: CLI_ACTOR,
      deleteClerkUsers: Boolean(options.deleteClerkUsers),
      dryRun: Boolean(options.dryRun),
      confirm: Boolean(options.yes),
    };
    const report = await withProgress(Boolean(options.json), (onProgress) => migration.rollback(request, onProgress));
    const error =
      report.failed.length > 0
        ? {
            code: 'clerk_deletions_failed',
            message: `${report.failed.length} Clerk deletion(s) failed; run the rollback again to retry them`,
          }
        : undefined;
    return { json: report, text: renderRollback(report), error };
  }
}

function renderRollback(report: RollbackReport): string {
  const heading = report.dryRun ? `Rollback of run ${report.runId} (dry run: nothing changed)` : `Rolled back run ${report.runId}`;
  const sections = [
    heading,
    renderPairs([
      ['unlinked', report.unlinked],
      ['deleted from Clerk', report.deletedFromClerk],
      ['invitations revoked', report.invitationsRevoked],
      ['invitations removed from the queue', report.invitationsRemovedFromQueue],
      ['left alone (link changed since)', report.leftAlone],
      ['signed in through Clerk since the run', report.signedInSince],
      ['kept: no password left (account and link stay)', report.keptWithoutPassword],
      ['not deleted: no marker of this run', report.notDeletedUnmarked],
      ['failed', report.failed.length],
    ]),
  ];
  if (report.kept.length > 0)
    sections.push(
      renderTable(
        ['kept user', 'user id', 'clerk user'],
        report.kept.map((k) => [k.email, k.userId, k.clerkUserId]),
      ),
    );
  if (report.failed.length > 0)
    sections.push(
      renderTable(
        ['user', 'user id', 'clerk user', 'error'],
        report.failed.map((f) => [f.email, f.userId, f.clerkUserId, f.error]),
      ),
    );
  return sections.join('\n\n');
}
