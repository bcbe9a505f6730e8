import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ClerkGateway } from '../clerk/clerk.gateway.js';

/** How long one attempt holds its row, so that two instances do not send the same update at once. */
const CLAIM_SECONDS = 60;
/** Waits after failed attempts: 1 min, 2, 4, … up to 1 h. */
const MAX_BACKOFF_SECONDS = 3600;

/**
 * `external_id` updates owed to Clerk: a provisioned person's account learns their `user_id`. The
 * row is written with the person's, in the same transaction; the call is made after the answer,
 * and a failure leaves the row for the next attempt (`sync`, or the worker's periodic retry).
 */
@Injectable()
export class ExternalIdUpdates {
  private readonly logger = new Logger(ExternalIdUpdates.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clerk: ClerkGateway,
  ) {}

  async enqueue(userId: string, clerkUserId: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO clerk_external_id_updates (user_id, clerk_user_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET clerk_user_id = EXCLUDED.clerk_user_id, next_attempt_at = now()`,
      [userId, clerkUserId],
    );
  }

  async forget(userId: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query('DELETE FROM clerk_external_id_updates WHERE user_id = $1', [userId]);
  }

  /** Starts the update without waiting for it: a request never waits for, or fails because of, Clerk. */
  startSoon(userId: string): void {
    setImmediate(
      () => void this.attempt(userId).catch((error: unknown) => this.logger.warn(`external_id of user ${userId}: ${String(error)}`)),
    );
  }

  /** One attempt, if the update is due and no one else holds it. True when Clerk has it now. */
  async attempt(userId: string): Promise<boolean> {
    if (!this.clerk.isConfigured()) return false;
    const claimed: { clerk_user_id: string; attempts: number }[] = await this.dataSource.query(
      // In a WITH, so the driver hands back the rows (an UPDATE alone comes back as [rows, count]).
      `WITH claimed AS (
         UPDATE clerk_external_id_updates SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
          WHERE user_id = $1 AND next_attempt_at <= now() RETURNING clerk_user_id, attempts)
       SELECT clerk_user_id, attempts FROM claimed`,
      [userId, CLAIM_SECONDS],
    );
    if (claimed.length === 0) return false;
    const [{ clerk_user_id: clerkUserId, attempts }] = claimed;
    try {
      // Null: the account is gone; its deletion reaches us by webhook or sync, and nothing is owed.
      await this.clerk.setExternalId(clerkUserId, userId);
      await this.forget(userId);
      return true;
    } catch (error) {
      const wait = Math.min(MAX_BACKOFF_SECONDS, 60 * 2 ** Math.min(attempts - 1, 10));
      await this.dataSource.query(
        `UPDATE clerk_external_id_updates SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE user_id = $1`,
        [userId, error instanceof Error ? error.message.slice(0, 500) : String(error), wait],
      );
      return false;
    }
  }

  /** Every due update, one after another (each within the shared Clerk budget). Returns how many landed. */
  async retryDue(limit = 1000): Promise<number> {
    const due: { user_id: string }[] = await this.dataSource.query(
      'SELECT user_id FROM clerk_external_id_updates WHERE next_attempt_at <= now() ORDER BY created_at LIMIT $1',
      [limit],
    );
    let landed = 0;
    for (const { user_id: userId } of due) if (await this.attempt(userId)) landed += 1;
    return landed;
  }
}
