import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The overview's figures that no module's own counts give, each one aggregate: read-only, over
 * tables owned elsewhere whose shape alone is known here (`invitation_outbox` of the invitations
 * module, `clerk_sign_ins` of users, `migration_items` and `migration_runs` of the migration,
 * `clerk_deleted_users` of sync), as the users repository reads the migration's items.
 */
@Injectable()
export class ConsoleFiguresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * People whose invitation was sent and who have not signed in through Clerk since: the outbox's
   * live row per person (its partial unique index), against their sign-in.
   */
  async invitedNotSignedIn(): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM invitation_outbox o
        WHERE o.status = 'sent' AND NOT EXISTS (SELECT 1 FROM clerk_sign_ins s WHERE s.user_id = o.user_id)`,
    );
    return row.n;
  }

  /**
   * People still on legacy whom a run reported invalid, by the reason it recorded (`unsupported_hash`,
   * `invalid_email`, …): only where that report is their latest word (no later item of a real run),
   * as the runs themselves leave such people out. From the small index of invalid reports, not from
   * every item.
   */
  async invalidByReason(): Promise<Record<string, number>> {
    const rows: { reason: string; n: number }[] = await this.dataSource.query(
      // Each person once: of their invalid reports, only the latest real item has no later one.
      `SELECT coalesce(i.reason, 'unknown') AS reason, count(*)::int AS n
         FROM migration_items i
         JOIN users u ON u.user_id = i.user_id AND u.clerk_user_id IS NULL
        WHERE i.action = 'invalid' AND i.status = 'failed'
          AND NOT EXISTS (SELECT 1 FROM migration_items later
                           WHERE later.user_id = i.user_id AND later.id > i.id AND later.status <> 'planned')
          AND NOT EXISTS (SELECT 1 FROM clerk_deleted_users d WHERE d.user_id = i.user_id)
        GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.reason, row.n]));
  }
}
