import { Command, Help, Option } from 'nest-commander';
import { MIGRATION_STRATEGIES, type MigrationStrategy } from '../config/migration.config.js';
import type { MigrationRunView } from '../migration/migration-run.view.js';
import type { DryRunReport } from '../migration/migration.service.js';
import type { InvitationQueue, ResendReport } from '../invitations/invitations.service.js';
import { duration, invitationCountsLine, invitationQueueLines } from './invitation-format.js';
import { parseChoice, parseEmail, parseWholeNumber } from './cli-arguments.js';
import { migrationRunView } from '../migration/migration-run.view.js';
import { CliCoreContext } from './cli-core.context.js';
import { isNothingToMigrate } from '../migration/migration.error.js';
import type { CommandResult } from './cli-output.js';
import { CliUsageError } from './cli-usage.error.js';
import { CLI_ACTOR, CliCommand, examples, type JsonOption } from './cli.command.js';
import { ProgressReporter } from './progress-bar.js';
import { renderRun, renderWarnings } from './run-format.js';
import { renderPairs, renderTable } from './text-table.js';

interface MigrateOptions extends JsonOption {
  dryRun?: boolean;
  email?: string;
  strategy?: MigrationStrategy;
  limit?: number;
  resendInvites?: boolean;
  retryInvalid?: boolean;
}

@Command({ name: 'migrate', description: 'Migrate legacy users to Clerk: plan with --dry-run, one user with --email, or everyone left' })
export class MigrateCommand extends CliCommand<MigrateOptions> {
  constructor(private readonly core: CliCoreContext) {
    super();
  }

  @Option({ flags: '--dry-run', description: 'plan only: look every legacy user up in Clerk and say what would happen; write nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--email <email>', description: 'only this user (case-insensitive)' })
  parseEmail(raw: string): string {
    return parseEmail('--email', raw);
  }

  @Option({ flags: '--strategy <strategy>', description: 'password (import the password digest) or invite; default MIGRATION_STRATEGY' })
  parseStrategy(raw: string): MigrationStrategy {
    return parseChoice('--strategy', raw, MIGRATION_STRATEGIES);
  }

  @Option({ flags: '--limit <n>', description: 'at most this many users' })
  parseLimit(raw: string): number {
    return parseWholeNumber('--limit', raw, 1, 100_000_000);
  }

  @Option({
    flags: '--retry-invalid',
    description: 'also plan users an earlier run reported invalid whose row has not changed since (left out otherwise)',
  })
  parseRetryInvalid(): boolean {
    return true;
  }

  @Option({
    flags: '--resend-invites',
    description: 'instead of migrating, queue again the invitations that failed; the service sends them at the pace',
  })
  parseResendInvites(): boolean {
    return true;
  }

  @Help('after')
  help(): string {
    return examples(
      'migrate --dry-run',
      'migrate --email test@example.com',
      'migrate --strategy invite --limit 100',
      'migrate --json > run.json',
      'migrate --resend-invites',
    );
  }

  protected async execute(_params: string[], options: MigrateOptions): Promise<CommandResult> {
    if (options.resendInvites) return this.resend(options);
    const migration = await this.core.migration();
    const request = {
      actor: CLI_ACTOR,
      strategy: options.strategy,
      email: options.email,
      limit: options.limit,
      retryInvalid: options.retryInvalid,
    };
    if (options.dryRun) return dryRunResult(await migration.dryRun(request));
    const progress = new ProgressReporter();
    let run: MigrationRunView;
    try {
      run = migrationRunView(await migration.migrate(request, progress.update));
    } catch (error) {
      if (isNothingToMigrate(error)) return nothingToMigrate(request, (error as Error).message);
      throw error;
    } finally {
      progress.finish();
    }
    // The run is done with its creates and links; its invitations may still be queued for the service.
    const invitations = await migration.runInvitations(run.id);
    return runResult(run, invitations.queued + invitations.sent + invitations.failed > 0 ? invitations : null);
  }

  private async resend(options: MigrateOptions): Promise<CommandResult> {
    if (options.dryRun || options.email || options.strategy || options.limit || options.retryInvalid) {
      throw new CliUsageError('--resend-invites takes no other migrate option');
    }
    const report: ResendReport = await (await this.core.migration()).resendInvitations(CLI_ACTOR);
    const text = renderPairs([
      ['queued again', report.requeued],
      ['invitations', invitationCountsLine(report.queue)],
      ...invitationQueueLines(report.queue),
    ]);
    return { json: report, text };
  }
}

/** The plan (the service never reports a digest): a count per action and the users that need a look. */
function dryRunResult(report: DryRunReport): CommandResult {
  const users = report.users;
  const notable = users.filter((user) => user.action === 'invalid' || user.action === 'skip' || user.action === 'link');
  const headline = `Dry run ${report.runId}: ${report.total} legacy user(s) planned; nothing was written to Clerk or to users.`;
  // Nobody left: tables with headers and no rows would only look like something went wrong.
  if (report.total === 0)
    return {
      json: report,
      text: `${headline}
Everyone is on Clerk or already reported; \`runs\` lists what earlier runs did.`,
    };
  const sections = [
    headline,
    renderTable(
      ['action', 'users'],
      Object.entries(report.byAction).map(([action, count]) => [action, count]),
    ),
  ];
  if (notable.length > 0) {
    sections.push(
      renderTable(
        ['email', 'action', 'reason', 'clerk user'],
        notable.map((u) => [u.email, u.action, u.reason, u.clerkUserId]),
      ),
    );
  }
  if (report.truncated) {
    sections.push(`(only the first ${users.length} users are listed; \`runs ${report.runId} --items --format csv\` gives the whole plan)`);
  }
  sections.push(
    renderTable(
      ['password format', 'users'],
      Object.entries(report.byPasswordFormat).filter(([, count]) => count > 0),
    ),
  );
  if (report.invitations.planned > 0) {
    const { planned, etaSeconds, perHour } = report.invitations;
    sections.push(
      `${planned} invitation(s) would be queued; at ${perHour} an hour they take ${duration(etaSeconds)} to send (behind the queue).`,
    );
  }
  if (report.warnings.length > 0) sections.push(renderWarnings(report.warnings));
  return { json: report, text: sections.join('\n\n') };
}

/** Nobody left: no run was recorded. `--json` keeps a run's keys, with no id and nothing counted. */
function nothingToMigrate(request: { actor: string; strategy?: MigrationStrategy; limit?: number }, message: string): CommandResult {
  const json = {
    id: null,
    runId: null,
    kind: 'all',
    strategy: request.strategy ?? null,
    dryRun: false,
    startedBy: request.actor,
    startedByEmail: null,
    status: 'nothing_to_migrate',
    counts: { total: 0 },
    clerk: { requests: 0, rateLimited: 0, retries: 0, requestsPerSecond: null, budgetPerSecond: null },
    options: { ...(request.limit && { limit: request.limit }) },
    warnings: [],
    errorCode: null,
    errorMessage: null,
    startedAt: null,
    finishedAt: null,
    message,
    // Every key a run's JSON has: a key added to the run view and forgotten here fails to compile.
  } satisfies Record<keyof MigrationRunView, unknown> & { runId: null; message: string };
  return {
    json,
    text: `${message}.\n\`runs\` lists what earlier runs did; \`migrate --retry-invalid\` plans again those reported invalid.`,
  };
}

/** A finished run: exit 0 only when it completed cleanly. */
function runResult(run: MigrationRunView, invitations: InvitationQueue | null): CommandResult {
  const text = invitations
    ? `${renderRun(run)}\n\n${renderPairs([['invitations', invitationCountsLine(invitations)], ...invitationQueueLines(invitations)])}`
    : renderRun(run);
  const result = { json: invitations ? { ...run, invitations } : run, text };
  switch (run.status) {
    case 'completed':
      return result;
    case 'completed_with_errors':
      return {
        ...result,
        error: {
          code: run.status,
          message: `run ${run.id} finished, but ${Number(run.counts.failed ?? 0)} user(s) failed; see \`runs ${run.id}\``,
        },
      };
    case 'interrupted':
      return { ...result, error: { code: run.status, message: `run ${run.id} was interrupted; run migrate again to resume` } };
    default:
      return { ...result, error: { code: run.errorCode ?? run.status, message: run.errorMessage ?? `run ${run.id} ended ${run.status}` } };
  }
}
