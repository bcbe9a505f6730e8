import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, type CronTime } from 'cron';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrationConfig, type MigrationConfig } from '../config/migration.config.js';
import { MigrationError, MigrationErrorCode } from './migration.error.js';
import { MigrationService } from './migration.service.js';
import { SweepFollowUp } from './sweep-follow-up.port.js';

/** While an operator's run holds the lock, the sweep asks again this often, for up to `SWEEP_PATIENCE_MS`. */
const SWEEP_RETRY_MS = 60_000;
const SWEEP_PATIENCE_MS = 3 * 60 * 60_000;
/** How often each instance looks for runs whose process is gone, so none stays `running` for ever. */
const STALE_RUN_CHECK_MS = 30_000;

/**
 * The nightly sweep: migrates whoever is left, on `MIGRATION_CRON`. Every instance's cron fires;
 * the sweep's run carries its slot (the minute it was scheduled for) as a standing key, so exactly
 * one instance sweeps it and the others are told it is done. Trickle migrations never hold the
 * lock, so they never make the sweep skip; an operator's run does hold it, and the sweep waits
 * for it rather than losing the night.
 */
@Injectable()
export class MigrationScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MigrationScheduler.name);
  private readonly shutdown = new AbortController();

  constructor(
    private readonly migration: MigrationService,
    private readonly registry: SchedulerRegistry,
    @Inject(migrationConfig.KEY) private readonly config: MigrationConfig,
    @Optional() private readonly followUp?: SweepFollowUp,
  ) {}

  onModuleInit(): void {
    const check = setInterval(() => void this.settleAbandonedRuns(), STALE_RUN_CHECK_MS);
    check.unref();
    this.shutdown.signal.addEventListener('abort', () => clearInterval(check));
    if (!this.config.scheduleEnabled) return;
    // Registered here rather than with @Cron, because the schedule comes from validated configuration.
    const job: CronJob = CronJob.from({
      cronTime: this.config.cron,
      onTick: () => void this.sweep(scheduledSlot(job.cronTime, new Date())),
      start: true,
    });
    this.registry.addCronJob('migration-sweep', job);
    this.logger.log(`nightly sweep scheduled: ${this.config.cron}`);
  }

  onApplicationShutdown(): void {
    this.shutdown.abort();
  }

  /** Sweeps `slot` unless another instance has; resolves when this instance is done with it. */
  async sweep(slot: string, patienceMs = SWEEP_PATIENCE_MS, retryMs = SWEEP_RETRY_MS): Promise<void> {
    const giveUpAt = Date.now() + patienceMs;
    for (;;) {
      try {
        const run = await this.migration.migrate({ actor: 'scheduler', kind: 'sweep', sweepSlot: slot });
        this.logger.log(`sweep ${run.id} ended ${run.status}: ${JSON.stringify(run.counts)}`);
        // Then what webhooks missed since the last pass (its own lock; it never fails the sweep).
        await this.followUp?.afterSweep();
        return;
      } catch (error) {
        if (error instanceof MigrationError && error.code === MigrationErrorCode.SweepAlreadyDone) {
          this.logger.log(`sweep of ${slot} skipped: another instance swept it`);
          return;
        }
        if (!(error instanceof MigrationError && error.code === MigrationErrorCode.RunInProgress) || Date.now() + retryMs > giveUpAt) {
          this.logger.error(`sweep of ${slot} failed: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
      }
      const stopped = await sleep(retryMs, false, { signal: this.shutdown.signal }).catch(() => true);
      if (stopped) return;
    }
  }

  private async settleAbandonedRuns(): Promise<void> {
    const settled = await this.migration.settleAbandonedRuns().catch(() => []);
    if (settled.length > 0) this.logger.warn(`runs left running by a stopped process, now interrupted: ${settled.join(', ')}`);
  }
}

/** How far back a late tick is matched to the time it was scheduled for. */
const LATE_TICK_LOOKBACK_MS = 60 * 60_000;
/** An every-minute cron takes 60 steps to look back an hour. */
const MAX_LOOKBACK_STEPS = 61;

/**
 * The minute the cron was scheduled for, not the one it fired in: an instance whose tick comes late
 * (a stalled event loop, a suspended container) names the same slot as the others, so it finds the
 * slot swept instead of sweeping a second time. That is the latest scheduled time at or before
 * `firedAt`, looked for within the last hour.
 */
export function scheduledSlot(cronTime: CronTime, firedAt: Date): string {
  let scheduled = firedAt;
  let cursor = new Date(firedAt.getTime() - LATE_TICK_LOOKBACK_MS);
  // A cron that fires more often than this within the hour (one with a seconds field) is named by the
  // minute it fired in: a slot is a minute, and stepping through every second of an hour would be slow.
  for (let step = 0; step < MAX_LOOKBACK_STEPS; step += 1) {
    const next = cronTime.getNextDateFrom(cursor).toJSDate();
    if (next.getTime() > firedAt.getTime()) return scheduled.toISOString().slice(0, 16);
    scheduled = next;
    cursor = next;
  }
  return firedAt.toISOString().slice(0, 16);
}
