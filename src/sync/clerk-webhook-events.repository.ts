import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClerkWebhookEvent } from '../clerk/clerk-webhook.verifier.js';

export interface StoredEvent {
  id: string;
  svixId: string;
  event: ClerkWebhookEvent;
  receivedAt: Date;
  /** Failed attempts so far. */
  attempts: number;
}

/** Verified deliveries, stored before they are applied: unique on `svix-id`, so a repeated delivery is applied once. */
@Injectable()
export class ClerkWebhookEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** False when this `svix-id` was stored before (a retry or a duplicate delivery). */
  async store(svixId: string, event: ClerkWebhookEvent): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO clerk_webhook_events (svix_id, type, clerk_user_id, event) VALUES ($1, $2, $3, $4)
       ON CONFLICT (svix_id) DO NOTHING RETURNING id`,
      [svixId, event.type, event.clerkUserId, JSON.stringify(event)],
    );
    return rows.length === 1;
  }

  /**
   * The oldest event due, locked for the caller's transaction; events others hold are skipped, so
   * every instance's worker takes its own.
   */
  async claimNext(manager: EntityManager): Promise<StoredEvent | null> {
    const rows: { id: string; svix_id: string; event: ClerkWebhookEvent; received_at: Date; attempts: number }[] = await manager.query(
      `SELECT id, svix_id, event, received_at, attempts FROM clerk_webhook_events
        WHERE applied_at IS NULL AND available_at <= now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return { id: String(row.id), svixId: row.svix_id, event: row.event, receivedAt: row.received_at, attempts: row.attempts };
  }

  async markApplied(id: string, outcome: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE clerk_webhook_events SET applied_at = now(), outcome = $2, attempts = attempts + 1 WHERE id = $1', [
      id,
      outcome,
    ]);
  }

  /**
   * Tried again after `delayMs`; `error` is kept for the operator (a postponement is not counted as a
   * failure). Written in the transaction that claimed the event, so that no other worker takes it
   * before its failure is recorded.
   */
  async retryLater(id: string, delayMs: number, error: string | null, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE clerk_webhook_events SET available_at = now() + make_interval(secs => $2::float8 / 1000),
              attempts = attempts + (CASE WHEN $3::text IS NULL THEN 0 ELSE 1 END), last_error = coalesce($3, last_error)
        WHERE id = $1`,
      [id, delayMs, error],
    );
  }

  /** Stops retrying an event that keeps failing: settled as `gave_up`, its last error kept (and pruned like any settled event). */
  async giveUp(id: string, error: string, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE clerk_webhook_events SET applied_at = now(), outcome = 'gave_up', attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [id, error],
    );
  }

  /**
   * Forgets applied events older than `days` (their svix-ids with them): Svix stops retrying a
   * delivery after about three days, so a repeat can no longer arrive. At most `limit` per call.
   */
  async prune(days: number, limit: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM clerk_webhook_events WHERE id IN (
         SELECT id FROM clerk_webhook_events WHERE applied_at < now() - make_interval(days => $1) ORDER BY id LIMIT $2)`,
      [days, limit],
    );
  }
}
