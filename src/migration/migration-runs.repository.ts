import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { JsonObject } from '../common/json-object.js';
import type { PlannedUser } from './migration-plan.js';
import { MigrationItemEntity, type ItemStatus } from './migration-item.entity.js';
import { MigrationRunEntity, type RunKind, type RunStatus } from './migration-run.entity.js';

export type RunCounts = Partial<Record<ItemStatus, number>> & { total: number };

export interface NewRun {
  kind: RunKind;
  strategy: string;
  dryRun: boolean;
  startedBy: string;
  options: Record<string, unknown>;
}

/** The migration's own tables: runs and their per-user items. */
@Injectable()
export class MigrationRunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async createRun(run: NewRun): Promise<MigrationRunEntity> {
    const repo = this.dataSource.getRepository(MigrationRunEntity);
    return repo.save(repo.create({ ...run, status: 'running', counts: {}, startedAt: new Date() }));
  }

  findRun(id: string): Promise<MigrationRunEntity | null> {
    return this.dataSource.getRepository(MigrationRunEntity).findOneBy({ id });
  }

  listRuns(limit: number, offset: number): Promise<[MigrationRunEntity[], number]> {
    return this.dataSource.getRepository(MigrationRunEntity).findAndCount({ order: { startedAt: 'DESC' }, take: limit, skip: offset });
  }

  async finishRun(id: string, status: RunStatus, error?: { code: string; message: string }): Promise<MigrationRunEntity> {
    const counts = await this.countItems(id);
    await this.dataSource.getRepository(MigrationRunEntity).update(id, {
      status,
      counts: { ...counts } as JsonObject,
      finishedAt: new Date(),
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
    return (await this.findRun(id))!;
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

  /** One row per planned user, written in a single statement. */
  async insertItems(runId: string, planned: PlannedUser[], status: ItemStatus): Promise<Map<string, string>> {
    if (planned.length === 0) return new Map();
    const rows: { id: string; user_id: string }[] = await this.dataSource.query(
      `INSERT INTO migration_items (run_id, user_id, email, action, status, clerk_user_id, reason)
       SELECT $1, u.user_id, u.email, u.action, $2, u.clerk_user_id, u.reason
         FROM jsonb_to_recordset($3::jsonb) AS u(user_id uuid, email varchar, action varchar, clerk_user_id varchar, reason varchar)
       RETURNING id, user_id`,
      [runId, status, JSON.stringify(planned.map((p) => ({ user_id: p.userId, email: p.email, action: p.action, clerk_user_id: p.clerkUserId ?? null, reason: p.reason })))],
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

  /** Items whose Clerk outcome is unknown: a create was sent and no result recorded. */
  findUncertainItems(limit: number, runId?: string): Promise<MigrationItemEntity[]> {
    const query = this.dataSource
      .getRepository(MigrationItemEntity)
      .createQueryBuilder('i')
      .where(`i.status = 'creating'`)
      .orderBy('i.id', 'ASC')
      .limit(limit);
    if (runId) query.andWhere('i.run_id = :runId', { runId });
    return query.getMany();
  }

  /** Runs left `running` by a process that died; only called while holding the migration lock. */
  async interruptAbandonedRuns(exceptRunId: string): Promise<string[]> {
    // Wrapped in a CTE: TypeORM hands back `[rows, count]` for a bare UPDATE, plain rows for a SELECT.
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH interrupted AS (
         UPDATE migration_runs SET status = 'interrupted', finished_at = now(), error_code = 'interrupted',
                error_message = 'The process running it stopped before it finished'
          WHERE status = 'running' AND dry_run = false AND id <> $1 RETURNING id)
       SELECT id FROM interrupted`,
      [exceptRunId],
    );
    // Under the lock no other run is live, so a `pending` item of any other run was planned and
    // never started (a kill, a failure that could not even record itself): it is released here.
    await this.dataSource.query(
      `UPDATE migration_items SET status = 'failed', error_code = 'interrupted', updated_at = now()
        WHERE status = 'pending' AND run_id <> $1`,
      [exceptRunId],
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
        WHERE user_id = ANY($1) AND (status = 'creating' OR created_in_clerk)`,
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
      .andWhere(`i.status IN ('created', 'linked')`)
      .andWhere('i.id > :afterId', { afterId })
      .orderBy('i.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  findItems(runId: string, statuses: ItemStatus[], limit: number): Promise<MigrationItemEntity[]> {
    return this.dataSource
      .getRepository(MigrationItemEntity)
      .createQueryBuilder('i')
      .where('i.run_id = :runId', { runId })
      .andWhere('i.status IN (:...statuses)', { statuses })
      .orderBy('i.id', 'ASC')
      .limit(limit)
      .getMany();
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
