import { Command, Help, Option } from 'nest-commander';
import { parsePositiveInt, parseRunId } from './cli-arguments.js';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CliCommand, examples, type JsonOption } from './cli.command.js';
import { renderRun, renderRunList } from './run-format.js';
import { renderTable } from './text-table.js';

interface RunsOptions extends JsonOption {
  limit?: number;
}

@Command({
  name: 'runs',
  arguments: '[id]',
  argsDescription: { id: 'a run id: show that run in detail' },
  description: 'List past migration runs (newest first) with their counts, or show one run',
})
export class RunsCommand extends CliCommand<RunsOptions> {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Option({ flags: '--limit <n>', description: 'how many runs to list (default 20, at most 200)' })
  parseLimit(raw: string): number {
    return parsePositiveInt('--limit', raw, 200);
  }

  @Help('after')
  help(): string {
    return examples('runs', 'runs --limit 50 --json', 'runs 0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c');
  }

  protected async execute([id]: string[], options: RunsOptions): Promise<CommandResult> {
    const runId = id === undefined ? undefined : parseRunId('run id', id);
    const migration = await this.core.migration();
    if (runId) {
      const run = await this.core.runDto(await migration.getRun(runId));
      const problems = await migration.runProblems(runId, options.limit ?? 100);
      const text = problems.length === 0 ? renderRun(run) : `${renderRun(run)}\n\n${renderTable(['email', 'status', 'reason', 'message'], problems.map((p) => [p.email, p.status, p.reason, p.message]))}`;
      return { json: { ...run, problems }, text };
    }
    const [runs, total] = await migration.listRuns(options.limit ?? 20, 0);
    const items = await Promise.all(runs.map((run) => this.core.runDto(run)));
    return { json: { items, total }, text: renderRunList(items, total) };
  }
}
