import { Injectable } from '@nestjs/common';
import { InvitationsService } from '../invitations/invitations.service.js';
import { PasswordFormats, type PasswordFormatLabel } from '../passwords/password-formats.js';
import type { UserEntity } from '../users/user.entity.js';
import { DevelopmentInstanceCap, type MigrationWarning } from './development-instance-cap.js';
import { plannedUserView, type PlannedUserView } from './migration-plan.js';
import { MigrationPlanner } from './migration-planner.js';
import { describeFailure, type RunOptions } from './migration-runner.js';
import { MigrationRunsRepository } from './migration-runs.repository.js';

export type { PlannedUserView };

export interface DryRunReport {
  runId: string;
  total: number;
  byAction: Record<string, number>;
  /** The planned users by the format of their password hash (`none`, `bcrypt`, …, `unsupported`). */
  byPasswordFormat: Record<PasswordFormatLabel, number>;
  /** E.g. a plan that does not fit in a development instance. */
  warnings: MigrationWarning[];
  /** The invitations the plan would queue, and how long the fleet's sender would take to send them (behind the queue). */
  invitations: { planned: number; etaSeconds: number; perHour: number };
  /** The plan per user, up to `PLAN_SAMPLE` entries (the run's items hold all of it). */
  users: PlannedUserView[];
  truncated: boolean;
  /** Where the whole plan is, page by page (`runs <id> --items` streams it). */
  itemsUrl: string;
}

const PLAN_SAMPLE = 1000;

/** The plan of a dry run, recorded as a run of its own whose items hold all of it; nothing is written to Clerk or `users`. */
@Injectable()
export class MigrationDryRun {
  constructor(
    private readonly runs: MigrationRunsRepository,
    private readonly planner: MigrationPlanner,
    private readonly passwords: PasswordFormats,
    private readonly developmentCap: DevelopmentInstanceCap,
    private readonly invitations: InvitationsService,
  ) {}

  /** Plans the users of `source` with batched Clerk look-ups. */
  async plan(actor: string, options: RunOptions, source: AsyncIterable<UserEntity[]>): Promise<DryRunReport> {
    const run = await this.runs.createRun({
      kind: 'dry_run',
      strategy: options.strategy,
      dryRun: true,
      startedBy: actor,
      options: { ...options },
    });
    const sample: PlannedUserView[] = [];
    const byPasswordFormat = this.passwords.counts();
    try {
      await this.planAll(run.id, source, options, sample, byPasswordFormat);
    } catch (failure) {
      // Recorded as failed, so that `runs` never shows a dry run running for ever.
      await this.runs.finishRun(run.id, 'failed', describeFailure(failure)).catch(() => undefined);
      throw failure;
    }
    const finished = await this.runs.finishRun(run.id, 'completed');
    const byAction = await this.runs.countPlannedActions(run.id);
    const truncated = finished.counts.total > sample.length;
    // Invited users get an account too (created, then invited).
    const warnings = await this.developmentCap.check((byAction.create ?? 0) + (byAction.invite ?? 0));
    const itemsUrl = `/migration/runs/${run.id}/items`;
    const planned = byAction.invite ?? 0;
    const invitations = { planned, etaSeconds: await this.invitations.secondsToSend(planned), perHour: this.invitations.perHour };
    const report = { runId: run.id, total: finished.counts.total, byAction, byPasswordFormat, warnings, invitations };
    return { ...report, users: sample, truncated, itemsUrl };
  }

  /** A dry run's plan, batch by batch, into its items; the first `PLAN_SAMPLE` users kept for the report. */
  private async planAll(
    runId: string,
    source: AsyncIterable<UserEntity[]>,
    options: RunOptions,
    sample: PlannedUserView[],
    byPasswordFormat: Record<PasswordFormatLabel, number>,
  ): Promise<void> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    for await (const users of source) {
      if (remaining <= 0) break;
      const batch = users.slice(0, remaining);
      for (const user of batch) byPasswordFormat[this.passwords.label(user.passwordHash)] += 1;
      const planned = await this.planner.plan(batch, options);
      remaining -= planned.length;
      await this.runs.insertItems(runId, planned, 'planned');
      sample.push(...planned.slice(0, PLAN_SAMPLE - sample.length).map(plannedUserView));
    }
  }
}
