import { Command, Help } from 'nest-commander';
import type { VerifyReport } from '../migration/migration-verifier.js';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CliCommand, examples } from './cli.command.js';
import { renderPairs, renderTable } from './text-table.js';

const LISTED_PROBLEMS = 50;

@Command({
  name: 'verify',
  description: 'Check that every linked user exists in Clerk with external_id = user_id, and count the rows that depend on users',
})
export class VerifyCommand extends CliCommand {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Help('after')
  help(): string {
    return `${examples('verify', 'verify --json')}\nExit code 1 when a problem is found.\n`;
  }

  protected async execute(): Promise<CommandResult> {
    const report = await (await this.core.migration()).verify();
    const error = report.ok ? undefined : { code: 'verify_failed', message: `${report.problems.length} linked user(s) do not match Clerk` };
    return { json: report, text: renderVerify(report), error };
  }
}

function renderVerify(report: VerifyReport): string {
  const sections = [
    renderPairs([
      ['ok', report.ok],
      ['linked users', report.linkedUsers],
      ['verified', report.verified],
      ['linked without external_id', report.withoutExternalId],
      ['problems', report.problems.length],
    ]),
  ];
  if (report.problems.length > 0) {
    const listed = report.problems.slice(0, LISTED_PROBLEMS);
    sections.push(
      renderTable(
        ['user', 'clerk user', 'problem', 'detail'],
        listed.map((p) => [p.userId, p.clerkUserId, p.problem, p.detail]),
      ),
    );
  }
  const tables = Object.entries(report.dependentRows);
  if (tables.length > 0) sections.push(renderTable(['dependent table', 'rows'], tables));
  return sections.join('\n\n');
}
