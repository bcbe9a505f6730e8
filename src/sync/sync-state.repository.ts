import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface DeletedAtClerkRow {
  userId: string;
  clerkUserId: string;
  email: string;
  name: string;
  deletedAt: Date;
  recordedAt: Date;
  source: string;
}

/** A rollback whose lease has not beaten for this long is gone; its deletions are no longer waited for. */
const LIVE_LEASE = "interval '30 seconds'";

/**
 * The sync module's own tables: each Clerk account's last applied version and the people deleted
 * at Clerk. Methods that take an `EntityManager` run inside the caller's transaction.
 */
@Injectable()
export class SyncStateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /**
   * Moves the account's version to `versionMs` unless a later one was applied; the row stays locked
   * until the caller's transaction ends, so two events of one account apply one after the other.
   * False when the event is older than the last applied: it is ignored.
   */
  async advanceVersion(clerkUserId: string, versionMs: number, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO clerk_account_versions (clerk_user_id, version_ms) VALUES ($1, $2)
       ON CONFLICT (clerk_user_id) DO UPDATE SET version_ms = EXCLUDED.version_ms, updated_at = now()
        WHERE clerk_account_versions.version_ms <= EXCLUDED.version_ms
       RETURNING 1`,
      [clerkUserId, Math.trunc(versionMs)],
    );
    return rows.length === 1;
  }

  /** Whether an event of this version would be applied now (the dry run's question; nothing locked). */
  async isCurrent(clerkUserId: string, versionMs: number): Promise<boolean> {
    const rows: { version_ms: string }[] = await this.dataSource.query(
      'SELECT version_ms FROM clerk_account_versions WHERE clerk_user_id = $1',
      [clerkUserId],
    );
    return rows.length === 0 || Number(rows[0].version_ms) <= versionMs;
  }

  async markDeletedAtClerk(userId: string, clerkUserId: string, deletedAt: Date, source: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO clerk_deleted_users (user_id, clerk_user_id, deleted_at, source) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET clerk_user_id = EXCLUDED.clerk_user_id, deleted_at = EXCLUDED.deleted_at, source = EXCLUDED.source`,
      [userId, clerkUserId, deletedAt, source],
    );
  }

  /**
   * Whether this service deleted the account itself: a rollback with `--delete-clerk-users` records
   * the deletion on the run's item (`migration_items`, the migration module's; only its shape is known here).
   */
  async deletedByRollback(clerkUserId: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.db(manager).query(
      'SELECT 1 FROM migration_items WHERE clerk_user_id = $1 AND clerk_deleted_at IS NOT NULL LIMIT 1',
      [clerkUserId],
    );
    return rows.length > 0;
  }

  /**
   * Whether a rollback may have deleted this account without having recorded it yet: it deletes first
   * and records a moment later. `running`: a rollback is at work now. `unfinished`: the last rollback
   * of the run that holds the account ended without finishing (its process died, or it failed), so it
   * may have stopped in that very moment; running it again finds the account gone and records the
   * deletion as its own. Null: no rollback can have made this deletion.
   */
  async rollbackThatMayOwnDeletion(clerkUserId: string, manager?: EntityManager): Promise<'running' | 'unfinished' | null> {
    const rows: { running: boolean; unfinished: boolean }[] = await this.db(manager).query(
      `SELECT EXISTS (SELECT 1 FROM migration_lock_leases l
                       WHERE l.activity LIKE 'rollback of run %' AND l.heartbeat_at > now() - ${LIVE_LEASE}) AS running,
              coalesce((SELECT o.status FROM migration_operations o
                         WHERE o.kind = 'rollback' AND o.run_id = i.run_id ORDER BY o.started_at DESC LIMIT 1) IN ('interrupted', 'failed'),
                       false) AS unfinished
         FROM migration_items i
        WHERE i.clerk_user_id = $1 AND i.status <> 'rolled_back'`,
      [clerkUserId],
    );
    if (rows.some((row) => row.running)) return 'running';
    return rows.some((row) => row.unfinished) ? 'unfinished' : null;
  }

  /** People deleted at Clerk, newest first, with what the product needs to apply its retention policy. */
  async listDeletedAtClerk(page: { limit: number; offset: number }): Promise<{ total: number; items: DeletedAtClerkRow[] }> {
    // Only people still without an account: one linked again since (a new sign-up with their email) is back.
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      'SELECT count(*)::int AS total FROM clerk_deleted_users d JOIN users u ON u.user_id = d.user_id WHERE u.clerk_user_id IS NULL',
    );
    const rows: DeletedAtClerkRow[] = await this.dataSource.query(
      `SELECT d.user_id AS "userId", d.clerk_user_id AS "clerkUserId", u.email, u.name, d.deleted_at AS "deletedAt",
              d.recorded_at AS "recordedAt", d.source
         FROM clerk_deleted_users d JOIN users u ON u.user_id = d.user_id
        WHERE u.clerk_user_id IS NULL
        ORDER BY d.recorded_at DESC, d.user_id LIMIT $1 OFFSET $2`,
      [page.limit, page.offset],
    );
    return { total, items: rows };
  }
}
