import { Inject, Injectable } from '@nestjs/common';
import { migrationConfig, type MigrationConfig } from '../config/migration.config.js';
import { assertLockHeld, type HeldLock } from './migration-lock.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';
import { UserMigrator } from './user-migrator.js';

export interface ResendReport {
  attempted: number;
  sent: number;
  failed: number;
}

/** `migrate --resend-invites`: retries every invitation that failed after its account was created. */
@Injectable()
export class InvitationResender {
  constructor(
    private readonly runs: MigrationRunsRepository,
    private readonly migrator: UserMigrator,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
  ) {}

  async resend(actor: string, lock: HeldLock): Promise<ResendReport> {
    const report: ResendReport = { attempted: 0, sent: 0, failed: 0 };
    try {
      let afterId = '0';
      for (;;) {
        assertLockHeld(lock);
        const items = await this.runs.findFailedInvitations(100, afterId);
        if (items.length === 0) return report;
        for (const item of items) {
          const context = { runId: item.runId, actor, invitationRedirectUrl: this.config.invitationRedirectUrl };
          const sent = await this.migrator.invite(context, { itemId: item.id, userId: item.userId, email: item.email });
          report.attempted += 1;
          report[sent ? 'sent' : 'failed'] += 1;
        }
        afterId = items[items.length - 1].id;
      }
    } finally {
      await lock.release();
    }
  }
}
