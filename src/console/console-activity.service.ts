import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';

/** What the console charts, each an audit action counted per hour. */
export const ACTIVITY_SERIES = {
  legacySignIns: [AuditAction.LoginSucceeded],
  legacyRefusals: [AuditAction.LoginFailed],
  clerkFirstSignIns: [AuditAction.ClerkFirstSignIn, AuditAction.ClerkLinkedOnSignIn],
  clerkRefusals: [AuditAction.ClerkSignInRejected],
  migrated: [AuditAction.UserCreated, AuditAction.UserLinked],
  rolledBack: [AuditAction.UserRolledBack],
} as const;

export type ActivitySeries = keyof typeof ACTIVITY_SERIES;

export interface Activity {
  /** Every hour of the window, oldest first (UTC starts, ISO 8601): the series' indexes. */
  hours: string[];
  series: Record<ActivitySeries, number[]>;
  /** The most frequent reasons sign-ins were refused, legacy and Clerk together. */
  refusals: { method: 'legacy' | 'clerk'; reason: string; count: number }[];
}

const HOUR_MS = 3_600_000;

/** Sign-ins and the move's progress per hour, from the audit log's aggregates (never its rows). */
@Injectable()
export class ConsoleActivityService {
  constructor(private readonly audit: AuditService) {}

  async activity(days: number, now = new Date()): Promise<Activity> {
    const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const since = new Date(end - (days * 24 - 1) * HOUR_MS);
    const hours = Array.from({ length: days * 24 }, (_, index) => new Date(since.getTime() + index * HOUR_MS).toISOString());
    const [counts, legacy, clerk] = await Promise.all([
      this.audit.hourlyCounts(Object.values(ACTIVITY_SERIES).flat(), since),
      this.audit.topDetail(AuditAction.LoginFailed, 'reason', since),
      this.audit.topDetail(AuditAction.ClerkSignInRejected, 'reason', since),
    ]);
    const position = new Map(hours.map((hour, index) => [hour, index]));
    const series = Object.fromEntries(Object.keys(ACTIVITY_SERIES).map((name) => [name, hours.map(() => 0)])) as Activity['series'];
    for (const row of counts) {
      const index = position.get(row.hour);
      const name = seriesOf(row.action);
      if (index !== undefined && name) series[name][index] += row.count;
    }
    const refusals = [
      ...legacy.map((row) => ({ method: 'legacy' as const, reason: row.value, count: row.count })),
      ...clerk.map((row) => ({ method: 'clerk' as const, reason: row.value, count: row.count })),
    ].sort((a, b) => b.count - a.count);
    return { hours, series, refusals };
  }
}

function seriesOf(action: string): ActivitySeries | undefined {
  return (Object.keys(ACTIVITY_SERIES) as ActivitySeries[]).find((name) => (ACTIVITY_SERIES[name] as readonly string[]).includes(action));
}
