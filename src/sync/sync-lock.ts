import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Shared by every instance on the database; the migration lock's key is another. */
export const SYNC_LOCK_KEY = 7_310_452_019;

/**
 * One `sync` at a time across the fleet: a session-level advisory lock on a connection of its own,
 * so a crashed process frees it with its connection. Everything a sync writes is idempotent and
 * guarded by each account's version, so a lock lost mid-pass costs at most a repeated look-up.
 */
@Injectable()
export class SyncLock {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` under the lock; null (and `work` not run) when another sync holds it. */
  async withLock<T>(work: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SYNC_LOCK_KEY]);
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}
