import type { MigrationWarning } from './development-instance-cap.js';
import type { MigrationRunEntity, RunKind, RunStatus } from './migration-run.entity.js';

/**
 * A run as the REST API and the CLI's `--json` show it. Apart from its OpenAPI class
 * (`MigrationRunDto`), so that the CLI maps a run without loading Swagger.
 */
export interface MigrationRunView {
  id: string;
  kind: RunKind;
  strategy: string;
  dryRun: boolean;
  startedBy: string;
  /** The email of the admin `startedBy` names (what an operator knows them by); null for the CLI, the scheduler, a machine. */
  startedByEmail: string | null;
  status: RunStatus;
  counts: Record<string, unknown>;
  options: Record<string, unknown>;
  /** Advice recorded when the run started (a development instance's user cap, say). */
  warnings: MigrationWarning[];
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** What the run asked of Clerk, against the budget all processes share. */
  clerk: RunClerkUsage;
}

export interface RunClerkUsage {
  requests: number;
  rateLimited: number;
  retries: number;
  /** Requests per second from the start to the last count; null before the first count. */
  requestsPerSecond: number | null;
  /** `CLERK_RATE_LIMIT` the run's process ran under; null for a run that counted nothing. */
  budgetPerSecond: number | null;
}

function clerkUsage(run: MigrationRunEntity): RunClerkUsage {
  const seconds = run.clerkCountedAt ? (run.clerkCountedAt.getTime() - run.startedAt.getTime()) / 1000 : 0;
  return {
    requests: run.clerkRequests ?? 0,
    rateLimited: run.clerkRateLimited ?? 0,
    retries: run.clerkRetries ?? 0,
    requestsPerSecond: seconds > 0 ? Math.round(((run.clerkRequests ?? 0) / seconds) * 100) / 100 : null,
    budgetPerSecond: run.clerkBudgetPerSecond ?? null,
  };
}

export function migrationRunView(run: MigrationRunEntity): MigrationRunView {
  return {
    id: run.id,
    kind: run.kind,
    strategy: run.strategy,
    dryRun: run.dryRun,
    startedBy: run.startedBy,
    startedByEmail: run.startedByEmail ?? null,
    status: run.status,
    counts: run.counts,
    options: run.options,
    warnings: (run.options.warnings as MigrationWarning[] | undefined) ?? [],
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    clerk: clerkUsage(run),
  };
}
