import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

export const MIGRATION_STRATEGIES = ['password', 'invite'] as const;
export type MigrationStrategy = (typeof MIGRATION_STRATEGIES)[number];
export const ON_EXISTING_POLICIES = ['link', 'skip'] as const;
export type OnExistingPolicy = (typeof ON_EXISTING_POLICIES)[number];

export interface MigrationConfig {
  strategy: MigrationStrategy;
  onExisting: OnExistingPolicy;
  migrateOnLogin: boolean;
  cron: string;
  scheduleEnabled: boolean;
  /** Users read and looked up in Clerk per batch; Clerk takes at most 100 per look-up. */
  batchSize: number;
  /** Clerk calls in flight at once; the token bucket still decides the rate. */
  concurrency: number;
  /** Where an invitation sends the person; unset: Clerk's default. */
  invitationRedirectUrl: string | undefined;
}

export function readMigrationConfig(env: Record<string, string | undefined>): MigrationConfig {
  const read = new EnvReader(env);
  const cron = read.string('MIGRATION_CRON', '0 3 * * *');
  if (cron.split(/\s+/).length < 5 || cron.split(/\s+/).length > 6) {
    read.problem('MIGRATION_CRON', `must be a cron expression of 5 or 6 fields, got "${cron}"`);
  }
  return read.done({
    strategy: read.oneOf('MIGRATION_STRATEGY', MIGRATION_STRATEGIES, 'password'),
    onExisting: read.oneOf('MIGRATION_ON_EXISTING', ON_EXISTING_POLICIES, 'link'),
    migrateOnLogin: read.bool('MIGRATION_ON_LOGIN', false),
    cron,
    scheduleEnabled: read.bool('MIGRATION_SCHEDULE_ENABLED', true),
    batchSize: read.int('MIGRATION_BATCH_SIZE', 100, { min: 1, max: 100 }),
    concurrency: read.int('MIGRATION_CONCURRENCY', 16, { min: 1, max: 256 }),
    invitationRedirectUrl: read.url('MIGRATION_INVITATION_REDIRECT_URL', undefined, ['http:', 'https:']),
  });
}

export const migrationConfig = registerAs('migration', () => readMigrationConfig(process.env));
