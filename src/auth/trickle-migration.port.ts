import type { UserEntity } from '../users/user.entity.js';

/**
 * What a successful legacy login may set off when `MIGRATION_ON_LOGIN` is on: moving that one
 * person to Clerk. The migration module provides it; auth only knows this port.
 */
export abstract class TrickleMigration {
  abstract migrateAfterLogin(user: UserEntity): Promise<void>;
}
