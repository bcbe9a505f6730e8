import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed', 'revoked'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** A row of `invitation_outbox`. */
export interface OutboxRow {
  id: string;
  userId: string;
  runId: string | null;
  email: string;
  redirectUrl: string | null;
  status: OutboxStatus;
  /** Sends tried whose outcome is not known to be "not sent": above 0, Clerk is asked before sending again. */
  attempts: number;
  clerkInvitationId: string | null;
}

export interface NewInvitation {
  userId: string;
  runId: string | null;
  email: string;
  redirectUrl?: string;
}

/** The sender's row: whether a live sender holds it, and when the next invitation may go. */
export interface SenderState {
  live: boolean;
  nextSendAt: Date;
  pausedReason: string | null;
  dbNow: Date;
}

export type StatusCounts = Record<OutboxStatus, number>;

// TypeORM hands back `[rows, affected]` for an UPDATE or DELETE, even with RETURNING.
const COLUMNS = `id, user_id AS "userId", run_id AS "runId", email, redirect_url AS "redirectUrl", status, attempts,
  clerk_invitation_id AS "clerkInvitationId"`;

/**
 * The outbox and the sender's lease, in PostgreSQL so that the whole fleet shares them. A row is
 * claimed with `FOR UPDATE SKIP LOCKED` and a lease of its own; every write after a send is fenced
 * by the claim, so a sender that lost its claim can never overwrite another's outcome.
 */
@Injectable()
export class InvitationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Queued in the caller's transaction; a person who already has a live invitation is left as is. */
  async enqueue(entries: NewInvitation[], manager: EntityManager): Promise<void> {
    for (const entry of entries) {
      await manager.query(
        `INSERT INTO invitation_outbox (user_id, run_id, email, redirect_url) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) WHERE status IN ('queued', 'sending', 'sent') DO NOTHING`,
        [entry.userId, entry.runId, entry.email, entry.redirectUrl ?? null],
      );
    }
  }

  /** Takes or renews the sender's lease for `holder`; false while another live sender has it. */
  async holdSender(holder: string, ttlMs: number): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE invitation_sender SET holder = $1, lease_until = now() + $2 * interval '1 millisecond'
        WHERE id = 1 AND (holder = $1 OR holder IS NULL OR lease_until < now()) RETURNING id`,
      [holder, ttlMs],
    );
    return rows.length === 1;
  }

  async releaseSender(holder: string): Promise<void> {
    await this.dataSource.query('UPDATE invitation_sender SET holder = NULL, lease_until = NULL WHERE id = 1 AND holder = $1', [holder]);
  }

  /**
   * The next invitation due, claimed for `holder`, when `holder` holds the sender and no pause holds it
   * (a 429, a refused key). The pace is not kept here but by the `invitations` class's window, shared
   * by the fleet in `clerk_request_budget`. A row left `sending` by a dead sender is due once its lease ends.
   */
  async claimNext(holder: string, rowLeaseMs: number): Promise<OutboxRow | null> {
    return this.dataSource.transaction(async (manager) => {
      const sender: unknown[] = await manager.query(
        `SELECT 1 FROM invitation_sender WHERE id = 1 AND holder = $1 AND lease_until > now() AND next_send_at <= now() FOR UPDATE`,
        [holder],
      );
      if (sender.length === 0) return null;
      const [rows]: [OutboxRow[], number] = await manager.query(
        `UPDATE invitation_outbox SET status = 'sending', claimed_by = $1, lease_until = now() + $2 * interval '1 millisecond',
                attempts = attempts + 1, updated_at = now()
          WHERE id = (SELECT id FROM invitation_outbox
                       WHERE status = 'queued' OR (status = 'sending' AND lease_until < now())
                       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING ${COLUMNS}`,
        [holder, rowLeaseMs],
      );
      if (rows.length === 0) return null;
      await manager.query(`UPDATE invitation_sender SET paused_reason = NULL WHERE id = 1 AND paused_reason IS NOT NULL`);
      // `attempts` as it was before this claim: the caller asks Clerk first when an earlier try may have landed.
      return { ...rows[0], attempts: rows[0].attempts - 1 };
    });
  }

  /** Puts a claimed row back as it was before the claim, nothing sent and nothing to record: its class's window was full. */
  async release(id: string, holder: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE invitation_outbox SET status = 'queued', attempts = attempts - 1, claimed_by = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
      [id, holder],
    );
    return affected === 1;
  }

  /** The send's outcome, written only while `holder` still has the claim; false when it lost it (a rollback withdrew the row). */
  async settle(
    id: string,
    holder: string,
    changes: {
      status: OutboxStatus;
      clerkInvitationId?: string;
      errorCode?: string | null;
      errorMessage?: string | null;
      notSent?: boolean;
    },
  ): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE invitation_outbox
          SET status = $3::varchar, clerk_invitation_id = coalesce($4, clerk_invitation_id), error_code = $5, error_message = $6,
              attempts = attempts - CASE WHEN $7::boolean THEN 1 ELSE 0 END,
              sent_at = CASE WHEN $3::varchar = 'sent' THEN now() ELSE sent_at END,
              claimed_by = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
      [
        id,
        holder,
        changes.status,
        changes.clerkInvitationId ?? null,
        changes.errorCode ?? null,
        changes.errorMessage ?? null,
        changes.notSent ?? false,
      ],
    );
    return affected === 1;
  }

  /** Records the Clerk id of an invitation revoked because its row was withdrawn while it was being sent. */
  async recordWithdrawnSend(id: string, clerkInvitationId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE invitation_outbox SET clerk_invitation_id = $2, claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE id = $1`,
      [id, clerkInvitationId],
    );
  }

  /** Holds every send until `until` (a 429's Retry-After, a refused key). */
  async pauseSender(untilMs: number, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE invitation_sender SET next_send_at = greatest(next_send_at, to_timestamp($1::bigint / 1000.0)), paused_reason = $2 WHERE id = 1`,
      [untilMs, reason],
    );
  }

  async senderState(): Promise<SenderState> {
    const rows: { live: boolean; nextSendAt: Date; pausedReason: string | null; dbNow: Date }[] = await this.dataSource.query(
      `SELECT (holder IS NOT NULL AND lease_until > now()) AS live, next_send_at AS "nextSendAt", paused_reason AS "pausedReason",
              now() AS "dbNow" FROM invitation_sender WHERE id = 1`,
    );
    return rows[0] ?? { live: false, nextSendAt: new Date(), pausedReason: null, dbNow: new Date() };
  }

  /** How many invitations are in each state, of one run or of all. */
  async counts(runId?: string): Promise<StatusCounts> {
    const rows: { status: OutboxStatus; n: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS n FROM invitation_outbox WHERE $1::uuid IS NULL OR run_id = $1 GROUP BY status`,
      [runId ?? null],
    );
    const counts: StatusCounts = { queued: 0, sending: 0, sent: 0, failed: 0, revoked: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /** Invitations waiting to go ahead of (and including) those of `runId`, in queue order. */
  async queuedThrough(runId: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM invitation_outbox
        WHERE status IN ('queued', 'sending')
          AND id <= (SELECT max(id) FROM invitation_outbox WHERE run_id = $1 AND status IN ('queued', 'sending'))`,
      [runId],
    );
    return rows[0]?.n ?? 0;
  }

  /** The latest invitation of `runId` for each of these people, by its status. */
  async statusesOf(runId: string, userIds: string[]): Promise<Map<string, OutboxStatus>> {
    if (userIds.length === 0) return new Map();
    const rows: { userId: string; status: OutboxStatus }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (user_id) user_id AS "userId", status FROM invitation_outbox
        WHERE run_id = $1 AND user_id = ANY($2) ORDER BY user_id, id DESC`,
      [runId, userIds],
    );
    return new Map(rows.map((row) => [row.userId, row.status]));
  }

  /** The live (queued, sending or sent) invitation of each of these people. */
  async liveOf(userIds: string[]): Promise<Map<string, OutboxRow>> {
    if (userIds.length === 0) return new Map();
    const rows: OutboxRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM invitation_outbox WHERE user_id = ANY($1) AND status IN ('queued', 'sending', 'sent')`,
      [userIds],
    );
    return new Map(rows.map((row) => [row.userId, row]));
  }

  /**
   * Takes a row out of the queue before it is sent: a queued one is removed; one being sent is marked
   * revoked, and its sender revokes at Clerk what it sent. Returns what the row was, or null if it had moved on.
   */
  async withdraw(id: string): Promise<'queued' | 'sending' | null> {
    const [removed]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM invitation_outbox WHERE id = $1 AND status = 'queued' RETURNING id`,
      [id],
    );
    if (removed.length === 1) return 'queued';
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE invitation_outbox SET status = 'revoked', updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id],
    );
    return affected === 1 ? 'sending' : null;
  }

  async markRevoked(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE invitation_outbox SET status = 'revoked', updated_at = now() WHERE id = $1 AND status = 'sent'`, [
      id,
    ]);
  }

  /**
   * Puts every failed invitation back in the queue, unless its person has a live one meanwhile or is no
   * longer linked to Clerk (a rollback took them off: an invitation now would be to an account they no
   * longer have); how many.
   */
  async requeueFailed(): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE invitation_outbox o SET status = 'queued', error_code = NULL, error_message = NULL, queued_at = now(), updated_at = now()
        WHERE o.id IN (SELECT DISTINCT ON (user_id) id FROM invitation_outbox WHERE status = 'failed' ORDER BY user_id, id DESC)
          AND NOT EXISTS (SELECT 1 FROM invitation_outbox l WHERE l.user_id = o.user_id AND l.status IN ('queued', 'sending', 'sent'))
          AND EXISTS (SELECT 1 FROM users u WHERE u.user_id = o.user_id AND u.clerk_user_id IS NOT NULL)`,
    );
    return affected;
  }
}
