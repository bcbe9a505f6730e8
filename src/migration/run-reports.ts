import { Injectable } from '@nestjs/common';
import {
  PROBLEM_STATUSES,
  type InvitationStatus,
  type ItemStatus,
  type MigrationItemEntity,
  type PlannedAction,
} from './migration-item.entity.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import { RunReportsRepository, type ItemFilter, type RunGaugeState } from './run-reports.repository.js';

/** One user in a run, as reported: what was planned, how it ended and when; never a hash or a secret. */
export interface RunItemView {
  userId: string;
  email: string;
  /** What the plan decided. */
  action: PlannedAction;
  /** Where the user stands in the run (`creating`: uncertain, Clerk's answer was lost). */
  outcome: ItemStatus;
  /** Why: the error code of a failure, else the plan's reason. */
  reason: string | null;
  message: string | null;
  clerkUserId: string | null;
  /** True only when this run created the Clerk account. */
  createdInClerk: boolean;
  invitationStatus: InvitationStatus | null;
  attempts: number;
  /** When the item last changed: its outcome's time. */
  updatedAt: string;
  rolledBackAt: string | null;
}

export interface RunItemsPage {
  items: RunItemView[];
  total: number;
  limit: number;
  offset: number;
}

/** Items read per query while streaming a run's report. */
const STREAM_PAGE = 1000;

/** A run's items for people and scripts: paged for REST, streamed for the CLI's CSV and JSONL. */
@Injectable()
export class RunReports {
  constructor(
    private readonly reports: RunReportsRepository,
    private readonly invitations: InvitationsService,
  ) {}

  async page(runId: string, limit: number, offset: number, filter: ItemFilter | 'problems' = {}): Promise<RunItemsPage> {
    const [items, total] = await this.reports.itemsPage(
      runId,
      limit,
      offset,
      filter === 'problems' ? { statuses: [...PROBLEM_STATUSES] } : filter,
    );
    return { items: await this.views(runId, items), total, limit, offset };
  }

  runGaugeState(): Promise<RunGaugeState> {
    return this.reports.gaugeState();
  }

  /** Every item of a run in id order, read by keyset a page at a time: memory stays flat for a million items. */
  async *stream(runId: string): AsyncGenerator<RunItemView> {
    let afterId = '0';
    for (;;) {
      const items = await this.reports.itemsAfter(runId, afterId, STREAM_PAGE);
      for (const view of await this.views(runId, items)) yield view;
      if (items.length < STREAM_PAGE) return;
      afterId = items[items.length - 1].id;
    }
  }

  /** The invitation status is the outbox's: the item records only that an invitation was queued. */
  private async views(runId: string, items: MigrationItemEntity[]): Promise<RunItemView[]> {
    const invited = items.filter((item) => item.invitationStatus !== null).map((item) => item.userId);
    const statuses = await this.invitations.itemStatuses(runId, invited);
    return items.map((item) => ({ ...toView(item), invitationStatus: statuses.get(item.userId) ?? item.invitationStatus }));
  }
}

function toView(item: MigrationItemEntity): RunItemView {
  return {
    userId: item.userId,
    email: item.email,
    action: item.action,
    outcome: item.status,
    reason: item.errorCode ?? item.reason,
    message: item.errorMessage,
    clerkUserId: item.clerkUserId,
    createdInClerk: item.createdInClerk,
    invitationStatus: item.invitationStatus,
    attempts: item.attempts,
    updatedAt: item.updatedAt.toISOString(),
    rolledBackAt: item.rolledBackAt?.toISOString() ?? null,
  };
}
