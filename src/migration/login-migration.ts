import { Injectable, Logger } from '@nestjs/common';
import type { UserEntity } from '../users/user.entity.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { MigrationService } from './migration.service.js';

/**
 * Trickle migration (`MIGRATION_ON_LOGIN`): a person who just proved their password is moved to
 * Clerk on the spot. When a bulk run holds the lock, the login simply leaves them to that run.
 */
@Injectable()
export class LoginMigration {
  private readonly logger = new Logger(LoginMigration.name);

  constructor(private readonly migration: MigrationService) {}

  async migrateAfterLogin(user: UserEntity): Promise<void> {
    try {
      const run = await this.migration.migrate({ actor: user.userId, email: user.email, kind: 'login' });
      this.logger.log(`migrated user ${user.userId} after login (run ${run.id}: ${run.status})`);
    } catch (error) {
      if (error instanceof MigrationError && [MigrationErrorCode.RunInProgress, MigrationErrorCode.AlreadyOnClerk].includes(error.code as MigrationErrorCode)) return;
      throw error;
    }
  }
}
