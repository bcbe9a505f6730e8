import { describe, expect, it } from '@jest/globals';
import { CLI_DOES_NOT_SEND, duration, invitationCountsLine, invitationQueueLines } from './invitation-format.js';

describe('how the CLI reports the invitation outbox', () => {
  const queue = { etaSeconds: 36_000, emptyBy: '2026-12-08T00:00:00.000Z', perHour: 100, senderRunning: false, pausedReason: null };

  it('says when the queue will be empty, and that the CLI does not send', () => {
    expect(invitationQueueLines(queue)).toEqual([
      ['invitations sent by', '2026-12-08T00:00:00.000Z (in 10 h 0 min, at 100 an hour)'],
      ['invitation sender', `none running: ${CLI_DOES_NOT_SEND}`],
    ]);
    expect(invitationQueueLines({ ...queue, senderRunning: true, pausedReason: 'Clerk answered 429 (rate_limited)' })).toEqual([
      ['invitations sent by', '2026-12-08T00:00:00.000Z (in 10 h 0 min, at 100 an hour)'],
      ['invitations paused', 'Clerk answered 429 (rate_limited)'],
      ['invitation sender', `running in the service; ${CLI_DOES_NOT_SEND}`],
    ]);
  });

  it('says nothing of a pace when nothing is queued', () => {
    expect(invitationQueueLines({ ...queue, etaSeconds: 0, emptyBy: null })).toEqual([]);
    expect(invitationCountsLine({ queued: 0, sent: 3, failed: 1, revoked: 2 })).toBe('0 queued, 3 sent, 1 failed, 2 revoked');
  });

  it('reads durations the way an operator says them', () => {
    expect([duration(40), duration(600), duration(36_000), duration(90_000)]).toEqual(['40 s', '10 min', '10 h 0 min', '25 h 0 min']);
  });
});
