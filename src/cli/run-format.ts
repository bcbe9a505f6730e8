import type { MigrationRunView, RunClerkUsage } from '../migration/migration-run.view.js';
import { renderPairs, renderTable } from './text-table.js';

/** `total 36, created 35, failed 1`: a run's item counts on one line (dependent rows left out). */
export function countsLine(counts: Record<string, unknown>): string {
  const entries = Object.entries(counts).filter(([, value]) => typeof value === 'number');
  entries.sort(([a], [b]) => (a === 'total' ? -1 : b === 'total' ? 1 : a.localeCompare(b)));
  return entries.map(([status, value]) => `${status} ${value}`).join(', ') || '-';
}

/** An interrupted run's users that were planned but never reached count as failed (reason `interrupted`). */
const INTERRUPTED_NOTE =
  'failed includes the users planned but not reached before the stop (reason interrupted); the next migrate takes them';

/** One run for a person: what it was, how it ended, its counts, and the dependent rows before and after. */
export function renderRun(run: MigrationRunView): string {
  const sections = [
    renderPairs([
      ['run', run.id],
      ['kind', run.kind],
      ['status', run.status],
      ['strategy', run.strategy],
      ['dry run', run.dryRun],
      ['started by', run.startedByEmail ? `${run.startedByEmail} (${run.startedBy})` : run.startedBy],
      ['started', run.startedAt],
      ['finished', run.finishedAt],
      ['counts', countsLine(run.counts)],
      ...(run.clerk?.budgetPerSecond != null ? ([['clerk requests', clerkLine(run.clerk)]] as [string, string][]) : []),
      ...(run.errorCode ? ([['error', `${run.errorMessage} (${run.errorCode})`]] as [string, string][]) : []),
      ...(run.status === 'interrupted' && Number(run.counts.failed ?? 0) > 0 ? ([['note', INTERRUPTED_NOTE]] as [string, string][]) : []),
    ]),
  ];
  const dependents = dependentRowsTable(run.counts.dependentRows);
  if (dependents) sections.push(dependents);
  if (run.warnings.length > 0) sections.push(renderWarnings(run.warnings));
  return sections.join('\n\n');
}

/** `1234 (7.9/s of the shared 8/s), 3 answered 429, 4 retries` */
function clerkLine(clerk: RunClerkUsage): string {
  const rate = clerk.requestsPerSecond === null ? '' : ` (${clerk.requestsPerSecond}/s of the shared ${clerk.budgetPerSecond}/s)`;
  return `${clerk.requests}${rate}, ${clerk.rateLimited} answered 429, ${clerk.retries} retries`;
}

/** `warning: …`, one line each, for a plan or a run an operator should look at again. */
export function renderWarnings(warnings: { message: string }[]): string {
  return warnings.map((warning) => `warning: ${warning.message}`).join('\n');
}

function dependentRowsTable(value: unknown): string | undefined {
  const rows = value as { before?: Record<string, number>; after?: Record<string, number> } | undefined;
  if (!rows?.before) return undefined;
  // Sorted by name, as `migrate` and `verify` list them: jsonb hands keys back shortest first.
  const tables = Object.keys({ ...rows.before, ...rows.after }).sort();
  if (tables.length === 0) return undefined;
  return renderTable(
    ['dependent table', 'before', 'after'],
    tables.map((table) => [table, rows.before?.[table], rows.after?.[table]]),
  );
}

export function renderRunList(runs: MigrationRunView[], total: number, offset = 0): string {
  if (runs.length === 0) return total === 0 ? 'No migration runs yet.' : `No runs past the first ${total}.`;
  const table = renderTable(
    ['id', 'kind', 'status', 'started', 'started by', 'counts'],
    runs.map((run) => [run.id, run.kind, run.status, run.startedAt, run.startedByEmail ?? run.startedBy, countsLine(run.counts)]),
  );
  if (offset === 0 && total <= runs.length) return table;
  return `${table}\n(runs ${offset + 1}–${offset + runs.length} of ${total}; use --limit and --offset for others)`;
}
