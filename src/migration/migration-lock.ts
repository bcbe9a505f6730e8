import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Shared by every instance on the database; the value only has to be agreed on. */
const MIGRATION_LOCK_KEY = 7_310_452_002;

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One migration run (or rollback) at a time per database, across processes: a session-level
 * PostgreSQL advisory lock on a connection of its own. A crashed process loses its connection and
 * with it the lock, so a later run can always start and recover what was left behind.
 */
@Injectable()
export class MigrationLock {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The lock, or null when another run holds it. */
  async tryAcquire(): Promise<HeldLock | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
      if (!locked) {
        await runner.release();
        return null;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    return {
      release: async () => {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        await runner.release();
      },
    };
  }
}
