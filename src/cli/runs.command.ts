import { Command, Help, Option } from 'nest-commander';
import type { MigrationService } from '../migration/migration.service.js';
import { parseChoice, parseRunId, parseWholeNumber } from './cli-arguments.js';
import { migrationRunView } from '../migration/migration-run.view.js';
import { CliCoreContext } from './cli-core.context.js';
import type { CliOutput, CommandResult } from './cli-output.js';
import { CliUsageError } from './cli-usage.error.js';
import { CliCommand, examples, type JsonOption } from './cli.command.js';
import { ITEM_FORMATS, itemLines, type ItemFormat } from './item-export.js';
import { invitationCountsLine, invitationQueueLines } from './invitation-format.js';
import { renderRun, renderRunList } from './run-format.js';
import { renderPairs } from './text-table.js';
import { renderTable } from './text-table.js';

interface RunsOptions extends JsonOption {
  limit?: number;
  offset?: number;
  items?: boolean;
  format?: ItemFormat;
}

const MAX_LIMIT = 200;

@Command({
  name: 'runs',
  arguments: '[id]',
  argsDescription: { id: 'a run id: show that run in detail, with its problem users' },
  description: 'List past migration runs (newest first) with their counts, show one run, or stream every item of one',
})
export class RunsCommand extends CliCommand<RunsOptions> {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Option({
    flags: '--limit <n>',
    description: `how many runs (or, with an id, problem users) to list (default 20 runs, 100 problems; at most ${MAX_LIMIT})`,
  })
  parseLimit(raw: string): number {
    return parseWholeNumber('--limit', raw, 1, MAX_LIMIT);
  }

  @Option({ flags: '--offset <n>', description: 'skip this many runs (or, with an id, problem users) first' })
  parseOffset(raw: string): number {
    return parseWholeNumber('--offset', raw, 0, 10_000_000);
  }

  @Option({
    flags: '--items',
    description: 'with an id: write every user of the run (outcome, reason, Clerk id, times) to stdout, however many',
  })
  parseItems(): boolean {
    return true;
  }

  @Option({ flags: '--format <format>', description: `with --items: ${ITEM_FORMATS.join(' or ')} (default csv)` })
  parseFormat(raw: string): ItemFormat {
    return parseChoice('--format', raw, ITEM_FORMATS);
  }

  @Help('after')
  help(): string {
    return examples(
      'runs',
      'runs --limit 50 --offset 50 --json',
      'runs 0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c',
      'runs 0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c --items --format csv > run.csv',
      'runs 0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c --items --format jsonl | jq -c \'select(.outcome == "failed")\'',
    );
  }

  protected async execute([id]: string[], options: RunsOptions, output: CliOutput): Promise<CommandResult> {
    const runId = id === undefined ? undefined : parseRunId('run id', id);
    if ((options.items || options.format) && !runId)
      throw new CliUsageError('--items and --format need a run id: runs <id> --items --format csv|jsonl');
    if (options.format && !options.items) throw new CliUsageError('--format applies to --items: runs <id> --items --format csv|jsonl');
    const migration = await this.core.migration();
    if (runId && options.items) {
      await output.stream(itemLines(await migration.streamRunItems(runId), options.format ?? 'csv'));
      return { json: null, text: '', streamed: true };
    }
    if (runId) return this.showRun(migration, runId, options);
    const [runs, total] = await migration.listRuns(options.limit ?? 20, options.offset ?? 0);
    const items = runs.map(migrationRunView);
    return { json: { items, total }, text: renderRunList(items, total, options.offset ?? 0) };
  }

  private async showRun(migration: MigrationService, runId: string, options: RunsOptions): Promise<CommandResult> {
    const offset = options.offset ?? 0;
    const { run: entity, problems, problemTotal, invitations } = await migration.runWithProblems(runId, options.limit ?? 100, offset);
    const run = migrationRunView(entity);
    const sections = [renderRun(run)];
    if (invitations) sections.push(renderPairs([['invitations', invitationCountsLine(invitations)], ...invitationQueueLines(invitations)]));
    if (problems.length > 0)
      sections.push(
        renderTable(
          ['email', 'status', 'reason', 'message'],
          problems.map((p) => [p.email, p.status, p.reason, p.message]),
        ),
      );
    if (offset + problems.length < problemTotal || offset > 0) {
      sections.push(
        `(problem users ${offset + 1}–${offset + problems.length} of ${problemTotal}; --offset for more, ` +
          `or \`runs ${runId} --items --format csv\` for every user of the run)`,
      );
    }
    return { json: { ...run, problems, invitations }, text: sections.join('\n\n') };
  }
}
