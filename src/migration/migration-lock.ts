import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import { MigrationError, MigrationErrorCode } from './migration.error.js';

/** Shared by every instance on the database; the value only has to be agreed on. */
const MIGRATION_LOCK_KEY = 7_310_452_002;

/** How often the holder checks that its lock still exists. */
const WATCH_INTERVAL_MS = 1_000;
/** A check that has not answered by then counts as a lost lock: the connection is as good as gone. */
const WATCH_TIMEOUT_MS = 3_000;

export interface HeldLock {
  /** Aborted when the lock is found gone (its connection dropped, the session terminated). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * One migration run (or rollback, or clean-up) at a time per database, across processes: a
 * session-level PostgreSQL advisory lock on a connection of its own. A crashed process loses its
 * connection and with it the lock, so a later run can always start and recover what was left.
 *
 * The lock lives exactly as long as that connection, so the connection is watched: a proxy restart,
 * `idle_session_timeout`, a failover or `pg_terminate_backend` ends it, another run may then take
 * the lock, and the holder must stop. Every second the holder asks PostgreSQL whether its session
 * still holds the lock; a failed, late or negative answer aborts `lost`.
 */
@Injectable()
export class MigrationLock {
  private readonly logger = new Logger(MigrationLock.name);

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
    return this.watch(runner);
  }

  private watch(runner: QueryRunner): HeldLock {
    const lost = new AbortController();
    let released = false;
    const check = async () => {
      if (released || lost.signal.aborted) return;
      const held = await withTimeout(stillHeld(runner), WATCH_TIMEOUT_MS).catch(() => false);
      if (held || released) return;
      this.logger.error('the migration lock is gone (its database session ended); the work holding it stops');
      lost.abort(new Error('migration lock lost'));
    };
    const timer = setInterval(() => void check(), WATCH_INTERVAL_MS);
    timer.unref();
    return {
      lost: lost.signal,
      release: async () => {
        released = true;
        clearInterval(timer);
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        await runner.release().catch(() => undefined);
      },
    };
  }
}

/** Work done page by page under the lock calls this between pages: a lost lock ends it there. */
export function assertLockHeld(lock: HeldLock): void {
  if (lock.lost.aborted) {
    throw new MigrationError(
      409,
      MigrationErrorCode.LockLost,
      'The migration lock was lost (its database session ended); stopped, run it again to finish',
    );
  }
}

/** Whether this session holds the lock: a bigint key shows in pg_locks as classid (high) and objid (low). */
async function stillHeld(runner: QueryRunner): Promise<boolean> {
  const rows: { held: boolean }[] = await runner.query(
    `SELECT EXISTS (SELECT 1 FROM pg_locks
                     WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
                       AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid) AS held`,
    [MIGRATION_LOCK_KEY],
  );
  return rows[0]?.held === true;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
