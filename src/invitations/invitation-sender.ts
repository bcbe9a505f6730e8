import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { ClerkGateway, type ClerkInvitation } from '../clerk/clerk.gateway.js';
import { ClerkErrorKind, ClerkGatewayError } from '../clerk/clerk-gateway.error.js';
import { invitationsConfig, type InvitationsConfig } from '../config/invitations.config.js';
import { InvitationsRepository, type OutboxRow } from './invitations.repository.js';

/** The actor of the audit rows the sender writes. */
export const SENDER_ACTOR = 'invitation-sender';
/**
 * How long a claimed row stays with its sender: well beyond one Clerk call and one look-up, so that
 * a row is taken from a sender only once it is surely dead, and then reconciled before any resend.
 */
const ROW_LEASE_MS = 5 * 60_000;
/** Tries whose answer was lost before an invitation is reported failed. */
const MAX_UNCERTAIN_TRIES = 5;
/** How long a refused secret key holds the sender before it tries again. */
const UNAUTHORIZED_PAUSE_MS = 60_000;

/**
 * The fleet's one invitation sender. Every app instance runs one; the one holding the lease
 * (`invitation_sender`) sends the next invitation due as soon as the `invitations` class's window has
 * room (a small batch goes at once, a large one drains at the window's rate), the others wait to take
 * over when its lease runs out. A send whose answer was lost is never repeated blindly: the next try asks
 * Clerk for invitations to that email first.
 */
@Injectable()
export class InvitationSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvitationSender.name);
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private beat: NodeJS.Timeout | undefined;
  private turn: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly outbox: InvitationsRepository,
    private readonly clerk: ClerkGateway,
    private readonly audit: AuditService,
    @Inject(invitationsConfig.KEY) private readonly config: InvitationsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.senderEnabled || !this.clerk.isConfigured()) return;
    // The lease is renewed apart from the sending, so that a slow Clerk call does not lose it.
    this.beat = setInterval(() => void this.holdLease().catch(() => false), this.config.pollMs);
    this.beat.unref();
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.beat);
    await this.turn;
    await this.outbox.releaseSender(this.holder).catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.turn = this.sendDue()
        .catch((error: unknown) => {
          this.logger.warn(`invitation sender: ${error instanceof Error ? error.message : String(error)}`);
          return this.config.pollMs;
        })
        .then((delay) => this.schedule(delay));
    }, delayMs);
    this.timer.unref();
  }

  private get leaseMs(): number {
    return Math.max(15_000, 5 * this.config.pollMs);
  }

  private holdLease(): Promise<boolean> {
    return this.outbox.holdSender(this.holder, this.leaseMs);
  }

  /**
   * One turn: the next invitation due, if this instance is the sender and nothing pauses it. Returns
   * how long to wait before the next turn: none after a send, the window's wait when the `invitations`
   * class is full, else until the next poll (or the end of a pause, if sooner).
   */
  async sendDue(): Promise<number> {
    if (!(await this.holdLease())) return this.config.pollMs;
    const row = await this.outbox.claimNext(this.holder, ROW_LEASE_MS);
    if (!row) return this.untilDue();
    return this.deliver(row);
  }

  private async untilDue(): Promise<number> {
    const state = await this.outbox.senderState();
    const dueInMs = state.nextSendAt.getTime() - state.dbNow.getTime();
    return dueInMs > 0 ? Math.min(this.config.pollMs, dueInMs) : this.config.pollMs;
  }

  private async deliver(row: OutboxRow): Promise<number> {
    try {
      // An earlier try may have landed with its answer lost: Clerk's list says, not a second send.
      const landed = row.attempts > 0 ? await this.landedBefore(row) : undefined;
      await this.sent(row, landed ?? (await this.send(row)));
      return 0;
    } catch (error) {
      if (!(error instanceof ClerkGatewayError)) throw error;
      if (error.kind !== ClerkErrorKind.ClassPaused) return this.failed(row, error);
      // The window is full (or a 429 paused the class): not sent, nothing to record; back when room comes.
      // The sleep is bounded by the lease, which the beat renews meanwhile.
      await this.outbox.release(row.id, this.holder);
      return Math.min(this.leaseMs, Math.max(this.config.pollMs, error.retryAfterMs ?? this.config.pollMs) - this.config.pollMs);
    }
  }

  private async landedBefore(row: OutboxRow): Promise<ClerkInvitation | undefined> {
    const found = await this.clerk.findInvitationsByEmail(row.email);
    return found.find((invitation) => invitation.status === 'pending' || invitation.status === 'accepted');
  }

  /** Waits for room in the class's window no longer than a poll; longer, `class_paused` says how long. */
  private send(row: OutboxRow): Promise<ClerkInvitation> {
    return this.clerk.createInvitation({
      maxWaitMs: this.config.pollMs,
      email: row.email,
      notify: true,
      ignoreExisting: true,
      redirectUrl: row.redirectUrl ?? undefined,
      publicMetadata: { userId: row.userId },
    });
  }

  private async sent(row: OutboxRow, invitation: ClerkInvitation): Promise<void> {
    if (!(await this.outbox.settle(row.id, this.holder, { status: 'sent', clerkInvitationId: invitation.id }))) {
      // A rollback withdrew it while it was on its way: revoke what went out.
      await this.clerk.revokeInvitation(invitation.id).catch(() => false);
      await this.outbox.recordWithdrawnSend(row.id, invitation.id);
      return;
    }
    // `sender`: which instance held the lease, so that the log shows one sender at a time.
    const details = { runId: row.runId ?? undefined, invitationId: invitation.id, sender: this.holder };
    await this.audit.record({ userId: row.userId, actor: SENDER_ACTOR, action: AuditAction.InvitationSent, details });
  }

  private async failed(row: OutboxRow, error: ClerkGatewayError): Promise<number> {
    const errorCode = error.clerkCode ?? error.kind;
    switch (error.kind) {
      case ClerkErrorKind.RateLimited:
        // Not sent: back in the queue, and only the sender waits; every other Clerk call goes on.
        await this.outbox.settle(row.id, this.holder, { status: 'queued', errorCode, notSent: true });
        await this.outbox.pauseSender(Date.now() + (error.retryAfterSeconds ?? 60) * 1000, `Clerk answered 429 (${errorCode})`);
        return 0;
      case ClerkErrorKind.Unauthorized:
      case ClerkErrorKind.NotConfigured:
        await this.outbox.settle(row.id, this.holder, { status: 'queued', errorCode, notSent: true });
        await this.outbox.pauseSender(Date.now() + UNAUTHORIZED_PAUSE_MS, 'Clerk refused the secret key (CLERK_SECRET_KEY)');
        return 0;
      case ClerkErrorKind.Transient:
        // Maybe sent: the next try asks Clerk first.
        if (row.attempts + 1 < MAX_UNCERTAIN_TRIES) {
          await this.outbox.settle(row.id, this.holder, { status: 'queued', errorCode, errorMessage: error.message });
          return 0;
        }
    }
    if (await this.outbox.settle(row.id, this.holder, { status: 'failed', errorCode, errorMessage: error.message })) {
      const details = { runId: row.runId ?? undefined, code: errorCode };
      await this.audit.record({ userId: row.userId, actor: SENDER_ACTOR, action: AuditAction.InvitationFailed, details });
    }
    return 0;
  }
}
