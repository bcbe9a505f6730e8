import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { MigrationItemEntity, type ItemStatus } from './migration-item.entity.js';

/** Where the runs stand, for the gauges every instance reports. */
export interface RunGaugeState {
  /** Runs with status `running` that are not dry runs. */
  inProgress: number;
  /** The latest finished run that was not a dry run, if any. */
  lastRun: { status: string; finishedAt: Date } | null;
}

/** Read-only queries over runs and their items for reports, listings and gauges; never a secret in them. */
/** Which items of a run to list: by status (outcome), by reported reason. */
export interface ItemFilter {
  statuses?: ItemStatus[];
  reason?: string;
}

@Injectable()
export class RunReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page of a run's items in id order, after `afterId`: keyset, so a million items cost the same per page. */
  itemsAfter(runId: string, afterId: string, limit: number): Promise<MigrationItemEntity[]> {
    return this.ofRun(runId).andWhere('i.id > :afterId', { afterId }).orderBy('i.id', 'ASC').limit(limit).getMany();
  }

  /** A run's items (only those with one of `statuses`, if given) in id order, by limit and offset, with their total. */
  itemsPage(runId: string, limit: number, offset: number, filter: ItemFilter = {}): Promise<[MigrationItemEntity[], number]> {
    const query = this.ofRun(runId);
    if (filter.statuses) query.andWhere('i.status IN (:...statuses)', { statuses: filter.statuses });
    // The reason as reported: a failure's error code, else the plan's reason.
    if (filter.reason) query.andWhere('coalesce(i.error_code, i.reason) = :reason', { reason: filter.reason });
    return query.orderBy('i.id', 'ASC').take(limit).skip(offset).getManyAndCount();
  }

  async gaugeState(): Promise<RunGaugeState> {
    // Trickle runs (kind `login`) are a standing record of logins, not a run an operator waits for.
    const [row]: { in_progress: number; last_status: string | null; last_finished_at: Date | null }[] = await this.dataSource.query(`
      SELECT (SELECT count(*)::int FROM migration_runs WHERE status = 'running' AND NOT dry_run) AS in_progress,
             last.status AS last_status, last.finished_at AS last_finished_at
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
          SELECT status, finished_at FROM migration_runs
           WHERE NOT dry_run AND kind <> 'login' AND finished_at IS NOT NULL
           ORDER BY finished_at DESC LIMIT 1) AS last ON true`);
    return {
      inProgress: row.in_progress,
      lastRun: row.last_status && row.last_finished_at ? { status: row.last_status, finishedAt: row.last_finished_at } : null,
    };
  }

  private ofRun(runId: string): SelectQueryBuilder<MigrationItemEntity> {
    return this.dataSource.getRepository(MigrationItemEntity).createQueryBuilder('i').where('i.run_id = :runId', { runId });
  }
}
