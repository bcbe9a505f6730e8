import type pg from 'pg';

export interface RunRow {
  kind?: string;
  /** `password` unless given. */
  strategy?: string;
  status?: string;
  /** `cli` unless given (`login` for a trickle run). */
  startedBy?: string;
  /** The day's key of a standing (trickle) run, `login:<date>`; none unless given. */
  standingKey?: string;
  dryRun?: boolean;
  startedAt?: Date;
  finishedAt?: Date | null;
  counts?: Record<string, number>;
}

/**
 * A run written straight into the database, as another process (an instance, the CLI) would leave
 * it: what the reports and gauges must read whoever wrote it.
 */
export async function insertRun(pool: pg.Pool, run: RunRow = {}): Promise<string> {
  const { rows } = await pool.query(
    `INSERT INTO migration_runs (kind, strategy, dry_run, started_by, status, counts, started_at, finished_at, standing_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      run.kind ?? 'all',
      run.strategy ?? 'password',
      run.dryRun ?? false,
      run.startedBy ?? 'cli',
      run.status ?? 'completed',
      JSON.stringify(run.counts ?? {}),
      run.startedAt ?? new Date(),
      run.finishedAt === undefined ? new Date() : run.finishedAt,
      run.standingKey ?? null,
    ],
  );
  return rows[0].id;
}

/**
 * `count` items in one statement: every tenth failed (`clerk_error`), the rest created with a Clerk
 * id. Emails read `item-<n>-<run>@example.com`, n from 1.
 */
export async function insertItems(pool: pg.Pool, runId: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO migration_items (run_id, user_id, email, action, reason, status, clerk_user_id, created_in_clerk,
                                  error_code, error_message, attempts)
     SELECT $1::uuid, gen_random_uuid(), 'item-' || g || '-' || $1::text || '@example.com', 'create', 'bcrypt_digest',
            CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'created' END,
            CASE WHEN g % 10 = 0 THEN NULL ELSE 'user_' || g END,
            g % 10 <> 0,
            CASE WHEN g % 10 = 0 THEN 'clerk_error' END,
            CASE WHEN g % 10 = 0 THEN 'Clerk refused it' END,
            1
       FROM generate_series(1, $2::int) AS g`,
    [runId, count],
  );
}
