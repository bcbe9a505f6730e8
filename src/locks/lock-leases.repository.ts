import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LEASE_IS_LIVE } from './lease-liveness.js';

/**
 * One row per holder of the migration lock (a run, a rollback, a clean-up, a resend), from the
 * moment it has the lock until it has really stopped: the lock itself ends with its session, while
 * the work it guarded may still be finishing. Written through the pool, never the lock's session,
 * with PostgreSQL's clock and the session that sent the beat, as a run's heartbeat is.
 */
@Injectable()
export class LockLeasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A new lease for `activity`; leases of holders found dead are cleared on the way. Returns its holder token. */
  async open(activity: string): Promise<string> {
    await this.dataSource.query(`DELETE FROM migration_lock_leases l WHERE NOT ${LEASE_IS_LIVE}`);
    const rows: { holder: string }[] = await this.dataSource.query(
      `INSERT INTO migration_lock_leases (activity, acquired_at, heartbeat_at, heartbeat_pid)
       VALUES ($1, now(), now(), pg_backend_pid()) RETURNING holder`,
      [activity],
    );
    return rows[0].holder;
  }

  /** Says the holder is alive. False when its lease is gone: another process found it dead and cleared it. */
  async beat(holder: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE migration_lock_leases SET heartbeat_at = now(), heartbeat_pid = pg_backend_pid() WHERE holder = $1`,
      [holder],
    );
    return affected === 1;
  }

  async end(holder: string): Promise<void> {
    await this.dataSource.query('DELETE FROM migration_lock_leases WHERE holder = $1', [holder]);
  }

  /** What live holders other than `holder` (every live holder, without one) are doing, oldest first, with since when. */
  async otherLiveHolders(holder?: string): Promise<string[]> {
    const rows: { activity: string; since: string }[] = await this.dataSource.query(
      `SELECT l.activity, to_char(l.acquired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since
         FROM migration_lock_leases l WHERE l.holder IS DISTINCT FROM $1::uuid AND ${LEASE_IS_LIVE} ORDER BY l.acquired_at`,
      [holder ?? null],
    );
    return rows.map((row) => `${row.activity}, since ${row.since}`);
  }
}
