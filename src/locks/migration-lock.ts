import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import { LockLeasesRepository } from './lock-leases.repository.js';

/** Shared by every instance on the database; the value only has to be agreed on. */
export const MIGRATION_LOCK_KEY = 7_310_452_002;

/** How often the holder checks that its lock still exists. */
const WATCH_INTERVAL_MS = 1_000;
/** A check that has not answered by then counts as a lost lock: the connection is as good as gone. */
const WATCH_TIMEOUT_MS = 3_000;
/**
 * How long a holder that lost the lock may take to finish its page (a page of Clerk calls, with
 * their retries and Retry-After waits) before the fleet stops waiting for it.
 */
const MAX_STOPPING_MS = 5 * 60_000;

export interface HeldLock {
  /** This holder's lease (`migration_lock_leases`), by which the others tell it from themselves. */
  readonly holder: string;
  /**
   * Aborted when the lock is found gone (its connection dropped, the session terminated), or when
   * another process found this holder silent and cleared its lease.
   */
  readonly lost: AbortSignal;
  /** Ends the hold: only then does the holder stop counting as live for the fleet. */
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
 *
 * A holder that lost the lock may still be finishing its page, so each holder also keeps a lease,
 * beaten every second through the pool until `release()`: the next holder waits for every other
 * live lease (`otherLiveHolders`) before it starts.
 */
@Injectable()
export class MigrationLock {
  private readonly logger = new Logger(MigrationLock.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly leases: LockLeasesRepository,
  ) {}

  /** The lock, held for `activity` (named to whoever waits for it), or null when another holds it. */
  async tryAcquire(activity: string): Promise<HeldLock | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let holder: string | undefined;
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
      if (locked) holder = await this.leases.open(activity);
      // Checked again once the lease is written: had the session died in between, a holder taking the lock
      // meanwhile could have missed the lease and started beside us.
      if (holder && (await stillHeld(runner))) return this.watch(runner, holder);
    } catch (error) {
      await this.letGo(runner, holder);
      throw error;
    }
    await this.letGo(runner, holder);
    return null;
  }

  /** What the live holders other than `lock` are doing: those a new holder waits for. */
  otherLiveHolders(lock: HeldLock): Promise<string[]> {
    return this.leases.otherLiveHolders(lock.holder);
  }

  /** What whoever holds the lock is doing, for the refusal of someone who could not take it. */
  liveHolders(): Promise<string[]> {
    return this.leases.otherLiveHolders();
  }

  /** The lease ends before the lock: whoever takes the lock next finds no lease of ours to wait for. */
  private async letGo(runner: QueryRunner, holder: string | undefined): Promise<void> {
    if (holder) await this.leases.end(holder).catch(() => undefined);
    await runner.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await runner.release().catch(() => undefined);
  }

  private watch(runner: QueryRunner, holder: string): HeldLock {
    const lost = new AbortController();
    let released = false;
    let lostAt = 0;
    const loseIt = (why: string) => {
      if (released || lost.signal.aborted) return;
      this.logger.error(`${why}; the work holding the migration lock stops`);
      lostAt = Date.now();
      lost.abort(new Error('migration lock lost'));
    };
    const check = async () => {
      if (released || lost.signal.aborted) return;
      const held = await withTimeout(stillHeld(runner), WATCH_TIMEOUT_MS).catch(() => false);
      if (!held) loseIt('the migration lock is gone (its database session ended)');
    };
    // Beaten even once the lock is lost: the holder is live until it has stopped. A failed beat is
    // not a loss (the database may be back in a moment); a lease cleared by another process is.
    // A holder still not stopped long after the loss is stuck, not finishing a page: it stops
    // beating, so that the fleet is not held up for as long as its process lives.
    const beat = async () => {
      if (released) return;
      if (lost.signal.aborted && Date.now() - lostAt > MAX_STOPPING_MS) {
        clearInterval(timer);
        this.logger.error(
          `still not stopped ${MAX_STOPPING_MS / 60_000} minutes after losing the migration lock; no longer holding others up`,
        );
        return;
      }
      const kept = await this.leases.beat(holder).catch(() => true);
      if (!kept) loseIt('another process found this holder silent and cleared its lease');
    };
    const timer = setInterval(() => void Promise.all([check(), beat()]), WATCH_INTERVAL_MS);
    timer.unref();
    return {
      holder,
      lost: lost.signal,
      release: async () => {
        released = true;
        clearInterval(timer);
        await this.letGo(runner, holder);
      },
    };
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
