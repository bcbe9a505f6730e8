import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { actorUserId } from '../audit/actor-emails.js';
import { leaseIsLive } from '../locks/lease-liveness.js';
import type { MigrationOperation, NewOperation, OperationKind } from './operation.js';

interface OperationRow {
  id: string;
  kind: OperationKind;
  run_id: string | null;
  status: MigrationOperation['status'];
  options: Record<string, unknown>;
  done: number;
  total: number;
  started_by: string;
  started_by_email: string | null;
  report: Record<string, unknown> | null;
  error_code: string | null;
  error_message: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** SQL that is true when operation `o` is `running` but the lease of the process doing it is gone. */
const ABANDONED = `o.status = 'running' AND NOT ${leaseIsLive('o.lease_holder')}`;

/** Rollbacks and clean-ups that act, with their progress and final report (`migration_operations`). */
@Injectable()
export class OperationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(operation: NewOperation): Promise<MigrationOperation> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO migration_operations (kind, run_id, status, options, total, started_by, lease_holder, started_at)
       VALUES ($1, $2, 'running', $3, $4, $5, $6, now()) RETURNING id`,
      [operation.kind, operation.runId, JSON.stringify(operation.options), operation.total, operation.startedBy, operation.leaseHolder],
    );
    return (await this.find(rows[0].id))!;
  }

  /** After each page; `total` grows if more turned up than were counted at the start. */
  async progress(id: string, done: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE migration_operations SET done = $2, total = GREATEST(total, $2) WHERE id = $1 AND status = 'running'`,
      [id, done],
    );
  }

  async complete(id: string, report: object): Promise<void> {
    await this.dataSource.query(
      `UPDATE migration_operations SET status = 'completed', report = $2, finished_at = now() WHERE id = $1 AND status = 'running'`,
      [id, JSON.stringify(report)],
    );
  }

  async fail(id: string, error: { code: string; message: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE migration_operations SET status = 'failed', error_code = $2, error_message = $3, finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, error.code, error.message],
    );
  }

  /** Marks `running` operations whose process is gone (its lease too) `interrupted`; returns their ids. */
  async interruptAbandoned(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH interrupted AS (
         UPDATE migration_operations o SET status = 'interrupted', finished_at = now(), error_code = 'interrupted',
                error_message = 'The process doing it stopped before it finished; run it again to finish'
          WHERE ${ABANDONED}
          RETURNING o.id)
       SELECT id FROM interrupted`,
    );
    return rows.map((row) => row.id);
  }

  async find(id: string): Promise<MigrationOperation | null> {
    const rows: OperationRow[] = await this.dataSource.query(
      `SELECT o.*, u.email AS started_by_email
         FROM migration_operations o LEFT JOIN users u ON u.user_id = ${actorUserId('o.started_by')}
        WHERE o.id = $1`,
      [id],
    );
    return rows[0] ? toOperation(rows[0]) : null;
  }
}

function toOperation(row: OperationRow): MigrationOperation {
  return {
    id: row.id,
    kind: row.kind,
    runId: row.run_id,
    status: row.status,
    options: row.options,
    done: row.done,
    total: row.total,
    startedBy: row.started_by,
    startedByEmail: row.started_by_email,
    report: row.report,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
