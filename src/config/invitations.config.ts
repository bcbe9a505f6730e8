import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export interface InvitationsConfig {
  /** Whether this app instance takes part in sending (one instance of the fleet sends at a time). */
  senderEnabled: boolean;
  /**
   * How often the sender looks for work and renews its lease, and how long one send may wait for room
   * in the `invitations` class's window (`CLERK_INVITATIONS_PER_HOUR`, the one figure for the pace).
   */
  pollMs: number;
}

export function readInvitationsConfig(env: Record<string, string | undefined>): InvitationsConfig {
  const read = new EnvReader(env);
  read.retired('INVITATIONS_PER_HOUR', 'CLERK_INVITATIONS_PER_HOUR (the invitations class limit, the one figure for the pace)');
  return read.done({
    senderEnabled: read.bool('INVITATION_SENDER_ENABLED', true),
    pollMs: read.int('INVITATION_SENDER_POLL_MS', 1000, { min: 10, max: 60_000 }),
  });
}

export const invitationsConfig = registerAs('invitations', () => readInvitationsConfig(process.env));
