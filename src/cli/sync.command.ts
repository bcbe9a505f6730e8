import { Command, Help, Option } from 'nest-commander';
import { CliCoreContext } from './cli-core.context.js';
import type { CommandResult } from './cli-output.js';
import { CLI_ACTOR, CliCommand, examples, type JsonOption } from './cli.command.js';
import { renderPairs } from './text-table.js';

interface SyncOptions extends JsonOption {
  dryRun?: boolean;
}

const ABOUT = `
Pages through every Clerk account (within CLERK_RATE_LIMIT, shared with every process on the
database) and, for what webhooks missed:
  - provisions a users row for a person who signed up at Clerk (CLERK_SIGN_UPS=provision),
  - links an unlinked legacy user whose account is provably theirs (external_id, verified email),
  - makes linked rows follow Clerk's primary email, name and public_metadata.role,
  - marks a linked row whose account is gone at Clerk (confirmed by a look-up) deleted at Clerk,
  - retries owed external_id updates.
An email another row holds is counted as a conflict and left alone (see the audit log, action
sync.conflict). One sync at a time across the fleet; the nightly sweep runs one after itself.
JSON keys: clerkUsers, provisioned, linked, updated, deletedAtClerk, conflicts, unchanged.
`;

@Command({
  name: 'sync',
  description:
    'Bring users in step with Clerk: provision people who signed up at Clerk, follow email/name/role, mark accounts deleted at Clerk',
})
export class SyncCommand extends CliCommand<SyncOptions> {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Option({ flags: '--dry-run', description: 'report what would change; write nothing to Clerk or the database' })
  parseDryRun(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return `${ABOUT}${examples('sync --dry-run', 'sync', 'sync --json')}`;
  }

  protected async execute(_params: string[], options: SyncOptions): Promise<CommandResult> {
    const dryRun = Boolean(options.dryRun);
    const report = await (await this.core.sync()).run({ actor: CLI_ACTOR, dryRun });
    const verb = dryRun ? 'would be ' : '';
    const text = renderPairs([
      ['Clerk accounts', report.clerkUsers],
      [`${verb}provisioned`, report.provisioned],
      [`${verb}linked`, report.linked],
      [`${verb}updated`, report.updated],
      [`${verb}marked deleted at Clerk`, report.deletedAtClerk],
      ['conflicts (left alone)', report.conflicts],
      ['unchanged', report.unchanged],
    ]);
    return { json: report, text };
  }
}
