import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export interface InvitationsConfig {
  /** Invitations the fleet's sender sends per hour: Clerk allows 100 on `POST /v1/invitations`. */
  perHour: number;
  /** Whether this app instance takes part in sending (one instance of the fleet sends at a time). */
  senderEnabled: boolean;
  /** How often the sender looks for work and renews its lease. */
  pollMs: number;
}

export function readInvitationsConfig(env: Record<string, string | undefined>): InvitationsConfig {
  const read = new EnvReader(env);
  return read.done({
    perHour: read.number('INVITATIONS_PER_HOUR', 100, { min: 0.01, max: 1_000_000 }),
    senderEnabled: read.bool('INVITATION_SENDER_ENABLED', true),
    pollMs: read.int('INVITATION_SENDER_POLL_MS', 1000, { min: 10, max: 60_000 }),
  });
}

export const invitationsConfig = registerAs('invitations', () => readInvitationsConfig(process.env));
