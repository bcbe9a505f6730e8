import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ClerkGateway } from '../clerk/clerk.gateway.js';
import { InvitationsRepository, type NewInvitation, type SenderState } from './invitations.repository.js';

/** `stats --json`'s `invitations`, the key DESIGN fixes: `queued` counts those being sent too. */
export interface InvitationCounts {
  queued: number;
  sent: number;
  failed: number;
  revoked: number;
}

/** Where the queue stands (of one run, or of all) and when it will be empty. */
export interface InvitationQueue extends InvitationCounts {
  /** Seconds until the last of these queued invitations is sent at the pace; 0 when none is queued. */
  etaSeconds: number;
  /** When that is, ISO 8601; null when none is queued. */
  emptyBy: string | null;
  /**
   * The pace, invitations per hour for the whole fleet: the `invitations` class's limit less its
   * margin (98 at Clerk's 100); per real hour, so a rehearsal's `CLERK_LIMITS_TIME_SCALE` multiplies it.
   */
  perHour: number;
  /** Whether an app instance is sending now; the CLI never sends, it leaves invitations for the service. */
  senderRunning: boolean;
  /** Why sending is held, e.g. a 429 from Clerk; null when it is not. */
  pausedReason: string | null;
}

/** What `stats` carries of the outbox. */
export interface InvitationStats {
  invitations: InvitationCounts;
  /** When the outbox will be empty, and whether a service instance is sending (the CLI never sends). */
  invitationQueue: Omit<InvitationQueue, keyof InvitationCounts>;
}

/** `migrate --resend-invites`: failed invitations put back in the outbox, for the service's sender. */
export interface ResendReport {
  requeued: number;
  queue: InvitationQueue;
}

/** What a rollback did with a person's invitation. */
export type Withdrawal = 'removed_from_queue' | 'revoked' | 'none';

/**
 * The invitation outbox's door for other modules: a run, a trickle migration or a resend queues
 * invitations here (in its own transaction) and never waits for them; the fleet's one sender
 * (`InvitationSender`, in the app) sends them at Clerk's pace.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly outbox: InvitationsRepository,
    private readonly clerk: ClerkGateway,
  ) {}

  /** The fleet's pace, invitations per hour: the `invitations` class's (`CLERK_INVITATIONS_PER_HOUR`). */
  get perHour(): number {
    const pace = this.clerk.invitationPace();
    return Math.round(((pace.requests * 3600) / pace.windowSeconds) * 100) / 100;
  }

  /** Queues invitations in the caller's transaction (the item's): both are written, or neither. */
  enqueue(entries: NewInvitation[], manager: EntityManager): Promise<void> {
    return this.outbox.enqueue(entries, manager);
  }

  async stats(): Promise<InvitationStats> {
    const { queued, sent, failed, revoked, ...invitationQueue } = await this.queue();
    return { invitations: { queued, sent, failed, revoked }, invitationQueue };
  }

  /** For `/metrics`: the counts, and seconds until the queue is empty. */
  async gauges(): Promise<InvitationCounts & { secondsToEmpty: number }> {
    const { queued, sent, failed, revoked, etaSeconds } = await this.queue();
    return { queued, sent, failed, revoked, secondsToEmpty: etaSeconds };
  }

  /** The queue of one run (its invitations, and those ahead of them) or of all. */
  async queue(runId?: string): Promise<InvitationQueue> {
    const [counts, ahead, sender] = await Promise.all([
      this.outbox.counts(runId),
      runId ? this.outbox.queuedThrough(runId) : undefined,
      this.outbox.senderState(),
    ]);
    const own = toCounts(counts);
    const waiting = own.queued === 0 ? 0 : (ahead ?? own.queued);
    const etaSeconds = await this.secondsFor(waiting, sender);
    return {
      ...own,
      etaSeconds,
      emptyBy: waiting === 0 ? null : new Date(sender.dbNow.getTime() + etaSeconds * 1000).toISOString(),
      perHour: this.perHour,
      senderRunning: sender.live,
      pausedReason: sender.pausedReason,
    };
  }

  /** How long `more` invitations would take to send behind the current queue: what a dry run reports. */
  async secondsToSend(more: number): Promise<number> {
    if (more === 0) return 0;
    const [counts, sender] = await Promise.all([this.outbox.counts(), this.outbox.senderState()]);
    return this.secondsFor(counts.queued + counts.sending + more, sender);
  }

  /** Where each person's invitation of `runId` stands, as a run's items report it: `pending` until sent. */
  async itemStatuses(runId: string, userIds: string[]): Promise<Map<string, 'pending' | 'sent' | 'failed' | 'revoked'>> {
    const rows = await this.outbox.statusesOf(runId, userIds);
    return new Map([...rows].map(([userId, status]) => [userId, status === 'queued' || status === 'sending' ? 'pending' : status]));
  }

  /** Puts failed invitations back in the queue (`--resend-invites`); the sender sends them. */
  async requeueFailed(): Promise<ResendReport> {
    const requeued = await this.outbox.requeueFailed();
    return { requeued, queue: await this.queue() };
  }

  /** The people among `userIds` with a live invitation: `queued` (not yet sent) or `sent` (being sent, or sent and revocable). */
  async invitationStates(userIds: string[]): Promise<Map<string, 'queued' | 'sent'>> {
    const rows = await this.outbox.liveOf(userIds);
    return new Map([...rows].map(([userId, row]) => [userId, row.status === 'queued' ? 'queued' : 'sent']));
  }

  /**
   * Undoes a person's invitation for a rollback: a queued one is removed (nobody was emailed), a sent
   * one revoked at Clerk. Throws `ClerkGatewayError` when Clerk could not be asked; run it again.
   */
  async withdraw(userId: string): Promise<Withdrawal> {
    const row = (await this.outbox.liveOf([userId])).get(userId);
    if (!row) return 'none';
    if (row.status !== 'sent') {
      const was = await this.outbox.withdraw(row.id);
      // One being sent is revoked by its sender as soon as Clerk answers.
      if (was === 'queued') return 'removed_from_queue';
      if (was === 'sending') return 'revoked';
      return this.withdraw(userId);
    }
    const revoked = row.clerkInvitationId ? await this.clerk.revokeInvitation(row.clerkInvitationId) : false;
    await this.outbox.markRevoked(row.id);
    return revoked ? 'revoked' : 'none';
  }

  /** The class's window as it stands (its sends, a 429's pause), then its pace; none before the sender's own pause ends. */
  private secondsFor(count: number, sender: SenderState): Promise<number> {
    if (count === 0) return Promise.resolve(0);
    return this.clerk.invitationBacklogSeconds(count, Math.max(0, sender.nextSendAt.getTime() - sender.dbNow.getTime()));
  }
}

function toCounts(counts: Record<string, number>): InvitationCounts {
  return { queued: counts.queued + counts.sending, sent: counts.sent, failed: counts.failed, revoked: counts.revoked };
}
