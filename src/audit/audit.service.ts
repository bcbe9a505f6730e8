import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity.js';
import type { AuditAction } from './audit-action.js';
import { redactSecrets } from './redact.js';

export interface AuditEntry {
  userId?: string | null;
  actor: string;
  action: AuditAction;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  userId?: string;
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface AuditPage {
  items: AuditLogEntity[];
  total: number;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes one row; pass the caller's `manager` to make it part of the caller's transaction. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.recordMany([entry], manager);
  }

  async recordMany(entries: AuditEntry[], manager?: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(AuditLogEntity)
      .values(
        entries.map((entry) => ({
          userId: entry.userId ?? null,
          actor: entry.actor,
          action: entry.action,
          details: redactSecrets(entry.details ?? {}),
        })),
      )
      .updateEntity(false)
      .execute();
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const builder = this.dataSource.getRepository(AuditLogEntity).createQueryBuilder('a');
    if (query.userId) builder.andWhere('a.user_id = :userId', { userId: query.userId });
    if (query.action) builder.andWhere('a.action = :action', { action: query.action });
    if (query.actor) builder.andWhere('a.actor = :actor', { actor: query.actor });
    if (query.from) builder.andWhere('a.created_at >= :from', { from: query.from });
    if (query.to) builder.andWhere('a.created_at < :to', { to: query.to });
    const [items, total] = await builder
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
    return { items, total, limit: query.limit, offset: query.offset };
  }
}
