import { Injectable } from '@nestjs/common';
import { MigrationLock, type HeldLock } from '../locks/migration-lock.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';

/** How long a new holder of the lock waits for one that lost it to notice and stop, before answering 409. */
const WAIT_FOR_STOPPING_HOLDER_MS = 30_000;
const RECHECK_MS = 250;

/**
 * Whose turn it is at the migration lock. A holder that lost the lock (a run, a rollback, a
 * clean-up, a resend) may still be finishing its page while another process takes it: the taker
 * waits (briefly) until that holder's lease says it has stopped, so two holders never work side by
 * side and one run's recovery never settles another's items.
 */
@Injectable()
export class LockTurns {
  constructor(
    private readonly lock: MigrationLock,
    private readonly runs: MigrationRunsRepository,
  ) {}

  /** The lock, held for `activity`, once every holder that lost it has stopped; 409 while another holds it. */
  async acquire(activity: string): Promise<HeldLock> {
    const lock = await this.lock.tryAcquire(activity);
    if (!lock) {
      const holders = await this.lock.liveHolders().catch(() => []);
      const what = holders.length > 0 ? ` (${holders.join('; ')})` : '';
      throw new MigrationError(
        409,
        MigrationErrorCode.RunInProgress,
        `Another migration run, rollback or clean-up holds the migration lock${what}; wait for it to finish`,
      );
    }
    try {
      await this.waitForStoppingHolders(lock);
      return lock;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** The lock without waiting for anyone, or null while another holds it: for work that can wait for its next turn. */
  tryAcquire(activity: string): Promise<HeldLock | null> {
    return this.lock.tryAcquire(activity);
  }

  /** Who else still works under the lock besides `lock`'s holder: every live lease, and the previous version's runs. */
  async othersStillWorking(lock: HeldLock): Promise<string[]> {
    const runs = await this.runs.liveRunsNamingNoLease();
    return [...runs.map((id) => `run ${id}`), ...(await this.lock.otherLiveHolders(lock))];
  }

  /** Who holds the lock now, each as `<activity>, since <UTC time>`; none when it is free. */
  holders(): Promise<string[]> {
    return this.lock.liveHolders();
  }

  private async waitForStoppingHolders(lock: HeldLock): Promise<void> {
    const deadline = Date.now() + WAIT_FOR_STOPPING_HOLDER_MS;
    for (;;) {
      const live = await this.othersStillWorking(lock);
      if (live.length === 0) return;
      if (Date.now() > deadline) {
        throw new MigrationError(
          409,
          MigrationErrorCode.RunInProgress,
          `Still stopping after losing the migration lock: ${live.join(', ')}; try again shortly`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
    }
  }
}
