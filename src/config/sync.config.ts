import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export const SIGN_UP_POLICIES = ['provision', 'refuse'] as const;
export type SignUpPolicy = (typeof SIGN_UP_POLICIES)[number];

export interface SyncConfig {
  /** What a Clerk account linked to nobody and not provably a legacy user's gets: a `users` row, or 401. */
  signUps: SignUpPolicy;
  /** Role of a provisioned person whose Clerk `public_metadata.role` is not a non-empty string. */
  defaultRole: string;
  /** Svix signing secret (`whsec_…`) of the Clerk webhook endpoint; unset: webhooks answer 503. */
  webhookSigningSecret: string | undefined;
  /**
   * Link an unlinked local user with the same verified primary email (`CLERK_LINK_BY_VERIFIED_EMAIL`,
   * the rule sign-in follows): read here too, because the CLI's `sync` runs without the `auth` namespace.
   */
  linkByVerifiedEmail: boolean;
}

export function readSyncConfig(env: Record<string, string | undefined>): SyncConfig {
  const read = new EnvReader(env);
  const defaultRole = read.string('DEFAULT_ROLE', 'user');
  if (defaultRole.length > 64 || /\s/.test(defaultRole))
    read.problem('DEFAULT_ROLE', `must be one word of at most 64 characters, got "${defaultRole}"`);
  const secret = read.optional('CLERK_WEBHOOK_SIGNING_SECRET');
  if (secret !== undefined && !secret.startsWith('whsec_')) {
    read.problem('CLERK_WEBHOOK_SIGNING_SECRET', "must be the endpoint's signing secret from Clerk's dashboard, starting with whsec_");
  }
  return read.done({
    signUps: read.oneOf('CLERK_SIGN_UPS', SIGN_UP_POLICIES, 'provision'),
    defaultRole,
    webhookSigningSecret: secret,
    linkByVerifiedEmail: read.bool('CLERK_LINK_BY_VERIFIED_EMAIL', false),
  });
}

export const syncConfig = registerAs('sync', () => readSyncConfig(process.env));
