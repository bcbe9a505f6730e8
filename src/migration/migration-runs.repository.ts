import type { ClerkUsage } from '../clerk/clerk-request.attribution.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { JsonObject } from '../common/json-object.js';
import type { PlannedUser } from './migration-plan.js';
import { MigrationItemEntity, type ItemStatus } from './migration-item.entity.js';
import { MigrationRunEntity, type RunKind, type RunStatus } from './migration-run.entity.js';
import { ROW_FINGERPRINT } from '../users/row-fingerprint.js';
import { beatIsLive, leaseIsLive } from '../locks/lease-liveness.js';

export type RunCounts = Partial<Record<ItemStatus, number>> & { total: number };

export interface NewRun {
  kind: RunKind;
  strategy: string;
  dryRun: boolean;
  startedBy: string;
  options: Record<string, unknown>;
  /** Only one run with this key ever exists: a sweep slot, the day's trickle run. */
  standingKey?: string;
  /** The lease of the run's hold on the migration lock (`HeldLock.holder`): while it lives, so does the run. */
  leaseHolder?: string;
}

/**
 * SQL that is true when run `r` is `running` and its process alive: judged by the lease of its hold
 * on the migration lock, which it names, as every holder is. A run that names none was started by
 * the previous version, which beats the run's own heartbeat only; this version beats both (until
 * that fallback and the run's heartbeat columns go, once no instance of the previous version is left).
 */
const RUN_IS_LIVE = `(r.status = 'running' AND NOT r.dry_run AND CASE
    WHEN r.lease_holder IS NOT NULL THEN ${leaseIsLive('r.lease_holder')}
    ELSE ${beatIsLive('coalesce(r.heartbeat_at, r.started_at)', 'r.heartbeat_pid')} END)`;
/**
 * A trickle item is in flight for one Clerk create, with its retries, backoff and Retry-After waits
 * (minutes at worst); one left live this long was abandoned by its process. Generous, since
 * reconciling a live one would cross its work, and an abandoned claim only delays that person.
 */
export const TRICKLE_ITEM_STALE_AFTER_MS = 15 * 60_000;

/** SQL that is true when item `i`'s run is still working on it (another process may hold it). */
const ITEM_IS_LIVE = `EXISTS (SELECT 1 FROM migration_runs r WHERE r.id = i.run_id AND (
    ${RUN_IS_LIVE}
    OR (r.kind = 'login' AND i.updated_at > now() - ${TRICKLE_ITEM_STALE_AFTER_MS} * interval '1 millisecond')))`;

/** Item `i` holds the link its run wrote: what a rollback undoes first. */
const LINKED_ITEM = `i.status IN ('created', 'linked')`;
/** Item `i`'s create was sent but it did not end linked (an answer lost): its account may exist all the same. */
const UNSETTLED_CREATE = `i.action IN ('create', 'invite') AND i.status IN ('failed', 'skipped') AND i.attempts > 0 AND i.clerk_deleted_at IS NULL`;
const CLERK_USAGE_SET =
  'clerk_requests = $2, clerk_rate_limited = $3, clerk_retries = $4, clerk_budget_per_second = $5, clerk_counted_at = now()';

function clerkUsageParameters(usage: ClerkUsage): number[] {
  return [usage.requests, usage.rateLimited, usage.retries, usage.budgetPerSecond];
}

/** The migration's own tables: runs and their per-user items. */
@Injectable()
export class MigrationRunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * A running run, its times and first heartbeat stamped by PostgreSQL's clock and session (a
   * process whose clock runs behind must not look dead before it has begun).
   */
  async createRun(run: NewRun): Promise<MigrationRunEntity> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO migration_runs (kind, strategy, dry_run, started_by, status, options, counts, standing_key, lease_holder, started_at, heartbeat_at, heartbeat_pid)
       VALUES ($1, $2, $3, $4, 'running', $5, '{}'::jsonb, $6, $7, now(), now(), pg_backend_pid())
       RETURNING id`,
      [run.kind, run.strategy, run.dryRun, run.startedBy, JSON.stringify(run.options), run.standingKey ?? null, run.leaseHolder ?? null],
    );
    return (await this.findRun(rows[0].id))!;
  }

  /** Whether a run with this standing key exists (a sweep slot some instance has taken). */
  async standingRunExists(standingKey: string): Promise<boolean> {
    return (await this.dataSource.getRepository(MigrationRunEntity).countBy({ standingKey })) > 0;
  }

  /** The open run with this standing key, created by whichever process asks first. */
  async openStandingRun(run: NewRun & { standingKey: string }): Promise<MigrationRunEntity> {
    await this.dataSource.query(
      `INSERT INTO migration_runs (kind, strategy, dry_run, started_by, status, options, standing_key)
       VALUES ($1, $2, false, $3, 'open', $4, $5) ON CONFLICT (standing_key) DO NOTHING`,
      [run.kind, run.strategy, run.startedBy, JSON.stringify(run.options), run.standingKey],
    );
    return (await this.dataSource.getRepository(MigrationRunEntity).findOneBy({ standingKey: run.standingKey }))!;
  }

  /** Closes open standing runs of this prefix other than `keepKey` (a past day's trickle run), each counted once. */
  async closeStandingRuns(prefix: string, keepKey: string): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM migration_runs WHERE status = 'open' AND standing_key LIKE $1 AND standing_key <> $2`,
      [`${prefix}%`, keepKey],
    );
    for (const { id } of rows) {
      const counts = await this.countItems(id);
      await this.recordFinish(id, (counts.failed ?? 0) > 0 ? 'completed_with_errors' : 'completed', counts);
    }
  }

  /**
   * Writes the run's Clerk usage so far, and its own heartbeat for instances of the previous version
   * (this one judges a run by its lease). False when it is no longer `running`: another process found
   * it silent and declared it dead (a stalled process), so it must stop, as if its lock were gone.
   */
  async touchHeartbeat(runId: string, usage?: ClerkUsage): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE migration_runs SET heartbeat_at = now(), heartbeat_pid = pg_backend_pid()${usage ? `, ${CLERK_USAGE_SET}` : ''}
        WHERE id = $1 AND status = 'running'`,
      usage ? [runId, ...clerkUsageParameters(usage)] : [runId],
    );
    return affected === 1;
  }

  /** The run's Clerk requests as its process counted them, whatever its status (its last count, as it ends). */
  async recordClerkUsage(runId: string, usage: ClerkUsage): Promise<void> {
    await this.dataSource.query(`UPDATE migration_runs SET ${CLERK_USAGE_SET} WHERE id = $1`, [runId, ...clerkUsageParameters(usage)]);
  }

  /**
   * Live runs that name no lease: the previous version's, whose lease (if it has one) does not say
   * which run it is. This version's runs are found by their leases.
   */
  async liveRunsNamingNoLease(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT r.id FROM migration_runs r WHERE r.lease_holder IS NULL AND ${RUN_IS_LIVE}`,
    );
    return rows.map((row) => row.id);
  }

  findRun(id: string): Promise<MigrationRunEntity | null> {
    return this.dataSource.getRepository(MigrationRunEntity).findOneBy({ id });
  }

  listRuns(limit: number, offset: number): Promise<[MigrationRunEntity[], number]> {
    return this.dataSource.getRepository(MigrationRunEntity).findAndCount({ order: { startedAt: 'DESC' }, take: limit, skip: offset });
  }

  async finishRun(id: string, status: RunStatus, error?: { code: string; message: string }): Promise<MigrationRunEntity> {
    await this.recordFinish(id, status, await this.countItems(id), error);
    return (await this.findRun(id))!;
  }

  private async recordFinish(id: string, status: RunStatus, counts: RunCounts, error?: { code: string; message: string }): Promise<void> {
    await this.dataSource.getRepository(MigrationRunEntity).update(id, {
      status,
      counts: { ...counts } as JsonObject,
      finishedAt: new Date(),
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
  }

  async updateRun(id: string, changes: Partial<Pick<MigrationRunEntity, 'status' | 'options' | 'counts'>>): Promise<void> {
    await this.dataSource.getRepository(MigrationRunEntity).update(id, changes);
  }

  async countItems(runId: string): Promise<RunCounts> {
    const rows: { status: ItemStatus; count: number }[] = await this.dataSource.query(
      'SELECT status, count(*)::int AS count FROM migration_items WHERE run_id = $1 GROUP BY status',
      [runId],
    );
    const counts: RunCounts = { total: 0 };
    for (const row of rows) {
      counts[row.status] = row.count;
      counts.total += row.count;
    }
    return counts;
  }

  /** Counts of a dry run's plan by action. */
  async countPlannedActions(runId: string): Promise<Record<string, number>> {
    const rows: { action: string; count: number }[] = await this.dataSource.query(
      'SELECT action, count(*)::int AS count FROM migration_items WHERE run_id = $1 GROUP BY action',
      [runId],
    );
    return Object.fromEntries(rows.map((row) => [row.action, row.count]));
  }

  /**
   * One row per planned user, written in a single statement. A live item (`pending`, `creating`) is
   * a claim: a user some other run or trickle migration is working on gets no row here (a unique
   * index allows one live item per person), and is missing from the returned map.
   */
  async insertItems(runId: string, planned: PlannedUser[], status: ItemStatus): Promise<Map<string, string>> {
    if (planned.length === 0) return new Map();
    const rows: { id: string; user_id: string }[] = await this.dataSource.query(
      `INSERT INTO migration_items (run_id, user_id, email, action, status, clerk_user_id, reason, row_fingerprint)
       SELECT $1, u.user_id, u.email, u.action, $2::varchar, u.clerk_user_id, u.reason,
              (SELECT ${ROW_FINGERPRINT('p')} FROM users p WHERE p.user_id = u.user_id)
         FROM jsonb_to_recordset($3::jsonb) AS u(user_id uuid, email varchar, action varchar, clerk_user_id varchar, reason varchar)
        -- linked since it was read (by a trickle migration that finished meanwhile): nothing left to do
        WHERE $2::varchar = 'planned' OR NOT EXISTS (SELECT 1 FROM users p WHERE p.user_id = u.user_id AND p.clerk_user_id IS NOT NULL)
       ON CONFLICT DO NOTHING
       RETURNING id, user_id`,
      [
        runId,
        status,
        JSON.stringify(
          planned.map((p) => ({
            user_id: p.userId,
            email: p.email,
            action: p.action,
            clerk_user_id: p.clerkUserId ?? null,
            reason: p.reason,
          })),
        ),
      ],
    );
    return new Map(rows.map((row) => [row.user_id, String(row.id)]));
  }

  async updateItem(itemId: string, changes: Partial<MigrationItemEntity>, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).getRepository(MigrationItemEntity).update(itemId, { ...changes, updatedAt: new Date() });
  }

  /** Marks the item as about to call Clerk, so a crash after the call is found and reconciled. */
  async markCreating(itemId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE migration_items SET status = 'creating', attempts = attempts + 1, updated_at = now() WHERE id = $1`,
      [itemId],
    );
  }

  /**
   * Items whose Clerk outcome is unknown: a create was sent and no result recorded. Those of one
   * run, or else those no live run (or fresh trickle migration) may still be waiting on.
   */
  findUncertainItems(limit: number, runId?: string): Promise<MigrationItemEntity[]> {
    const query = this.dataSource
      .getRepository(MigrationItemEntity)
      .createQueryBuilder('i')
      .where(`i.status = 'creating'`)
      .orderBy('i.id', 'ASC')
      .limit(limit);
    if (runId) query.andWhere('i.run_id = :runId', { runId });
    else query.andWhere(`NOT ${ITEM_IS_LIVE}`);
    return query.getMany();
  }

  /** Whether some create's outcome is unknown and no live run or trickle migration is waiting on it. */
  async hasAbandonedUncertainItems(): Promise<boolean> {
    return (await this.findUncertainItems(1)).length > 0;
  }

  /**
   * Runs left `running` by a process that is gone (heartbeat silent), other than `exceptRunId`,
   * are marked interrupted, and every `pending` item no live run is working on is released (a kill,
   * a failure that could not even record itself). Called by a run under the lock and, without it,
   * by each app instance now and then: either way a live run's items are never touched.
   */
  async interruptAbandonedRuns(exceptRunId?: string): Promise<string[]> {
    // Wrapped in a CTE: TypeORM hands back `[rows, count]` for a bare UPDATE, plain rows for a SELECT.
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH interrupted AS (
         UPDATE migration_runs r SET status = 'interrupted', finished_at = now(), error_code = 'interrupted',
                error_message = 'The process running it stopped before it finished'
          WHERE r.status = 'running' AND r.dry_run = false AND r.id IS DISTINCT FROM $1 AND NOT ${RUN_IS_LIVE}
          RETURNING r.id)
       SELECT id FROM interrupted`,
      [exceptRunId ?? null],
    );
    await this.dataSource.query(
      `UPDATE migration_items i SET status = 'failed', error_code = 'interrupted', updated_at = now()
        WHERE i.status = 'pending' AND i.run_id IS DISTINCT FROM $1 AND NOT ${ITEM_IS_LIVE}`,
      [exceptRunId ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** Items of these runs that were planned but never started; returns how many. */
  async failPendingItems(runIds: string[], errorCode: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE migration_items SET status = 'failed', error_code = $2, updated_at = now()
        WHERE status = 'pending' AND run_id = ANY($1)`,
      [runIds, errorCode],
    );
    return affected;
  }

  /** User ids among `userIds` for which some run may have created a Clerk account. */
  async usersWithPossibleClerkAccount(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT user_id FROM migration_items
        WHERE user_id = ANY($1) AND (status = 'creating' OR created_in_clerk OR (action IN ('create', 'invite') AND attempts > 0))`,
      [userIds],
    );
    return new Set(rows.map((row) => row.user_id));
  }

  /** Items of a run that still hold a link, in id order, for rollback. */
  findLinkedItems(runId: string, afterId: string, limit: number): Promise<MigrationItemEntity[]> {
    return this.dataSource
      .getRepository(MigrationItemEntity)
      .createQueryBuilder('i')
      .where('i.run_id = :runId', { runId })
      .andWhere(LINKED_ITEM)
      .andWhere('i.id > :afterId', { afterId })
      .orderBy('i.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Items of a run whose create was sent but that did not end linked to it (an answer lost and a
   * reconciliation that did not see the account): the account may exist, carrying the run's marker.
   */
  findUnsettledCreates(runId: string, afterId: string, limit: number): Promise<MigrationItemEntity[]> {
    return this.dataSource
      .getRepository(MigrationItemEntity)
      .createQueryBuilder('i')
      .where('i.run_id = :runId', { runId })
      .andWhere(UNSETTLED_CREATE)
      .andWhere('i.id > :afterId', { afterId })
      .orderBy('i.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** How many items a rollback of the run goes through: those of `findLinkedItems` and `findUnsettledCreates`. */
  async countRollbackItems(runId: string): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM migration_items i WHERE i.run_id = $1 AND ((${LINKED_ITEM}) OR (${UNSETTLED_CREATE}))`,
      [runId],
    );
    return row.n;
  }

  /**
   * Every item, of any run, that still claims this link is undone with it: an item `created` or
   * `linked` always means its link is in place, which is what first-sign-in linking relies on.
   */
  async markLinkRolledBack(userId: string, clerkUserId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE migration_items SET status = 'rolled_back', rolled_back_at = now(), updated_at = now()
        WHERE user_id = $1 AND clerk_user_id = $2 AND status IN ('created', 'linked')`,
      [userId, clerkUserId],
    );
  }

  /** Linked users whose invitation failed or was never sent (a crash, a reconciled create), for `--resend-invites`. */
  findFailedInvitations(limit: number, afterId: string): Promise<MigrationItemEntity[]> {
    return this.dataSource
      .getRepository(MigrationItemEntity)
      .createQueryBuilder('i')
      .where(`i.invitation_status IN ('failed', 'pending')`)
      .andWhere(`i.status IN ('created', 'linked')`)
      .andWhere('i.id > :afterId', { afterId })
      .orderBy('i.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}
