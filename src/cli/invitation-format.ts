import type { InvitationQueue } from '../invitations/invitations.service.js';

/** What an operator of the CLI must know: it queues invitations, the service sends them. */
export const CLI_DOES_NOT_SEND =
  'the CLI only queues invitations; the service (an app instance with INVITATION_SENDER_ENABLED) sends them at the pace';

/** `3 queued, 12 sent, 0 failed, 1 revoked`. */
export function invitationCountsLine(queue: Pick<InvitationQueue, 'queued' | 'sent' | 'failed' | 'revoked'>): string {
  return `${queue.queued} queued, ${queue.sent} sent, ${queue.failed} failed, ${queue.revoked} revoked`;
}

/** When the queue will be empty, at what pace, and who sends: for `stats`, `runs <id>` and `migrate`. */
export function invitationQueueLines(
  queue: Pick<InvitationQueue, 'etaSeconds' | 'emptyBy' | 'perHour' | 'senderRunning' | 'pausedReason'>,
): [string, string][] {
  const lines: [string, string][] = [];
  if (queue.emptyBy)
    lines.push(['invitations sent by', `${queue.emptyBy} (in ${duration(queue.etaSeconds)}, at ${queue.perHour} an hour)`]);
  if (queue.pausedReason) lines.push(['invitations paused', queue.pausedReason]);
  if (queue.emptyBy)
    lines.push([
      'invitation sender',
      queue.senderRunning ? `running in the service; ${CLI_DOES_NOT_SEND}` : `none running: ${CLI_DOES_NOT_SEND}`,
    ]);
  return lines;
}

/** `2 h 5 min`, `40 s`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}
