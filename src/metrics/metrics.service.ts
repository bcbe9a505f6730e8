import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type LoginMethod = 'legacy' | 'clerk' | 'api_key' | 'm2m_token';
export type LoginResult = 'success' | 'failure';

const PREFIX = 'clerk_migrate_';

/** Where the move stands, as the database says: the same on every instance, whichever process did the work. */
export interface MoveState {
  usersOnClerk: number;
  usersLegacy: number;
  /** Runs going on now (status `running`, dry runs aside). */
  runsInProgress: number;
  /** The latest finished run (dry runs and login trickles aside). */
  lastRun: { status: string; finishedAt: Date } | null;
  /** The invitation outbox: how many in each state, and seconds until the queue is empty at the pace. */
  invitations?: { queued: number; sent: number; failed: number; revoked: number; secondsToEmpty: number };
}

/**
 * The service's Prometheus metrics, behind small typed methods so that callers never touch
 * prom-client. Each app instance owns its registry, never prom-client's global one, so that several
 * apps in one process (the tests) neither share counts nor collide on metric names.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  private readonly registry = new Registry();

  private readonly migrationUsers = new Counter({
    name: `${PREFIX}migration_users_total`,
    help: 'Users a migration run finished with, by outcome (created, linked, skipped, failed, creating when Clerk’s answer was lost)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly webhookEvents = new Counter({
    name: `${PREFIX}webhook_events_total`,
    help: 'Clerk webhook events, by stage (received: stored, duplicate, invalid_signature, not_configured; applied: provisioned, updated, stale, …) and event type',
    labelNames: ['stage', 'type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly clerkRequests = new Counter({
    name: `${PREFIX}clerk_requests_total`,
    help: 'Clerk Backend API requests, each attempt counted, by operation and status (ok, the HTTP status, or network_error/timeout)',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });

  private readonly clerkRateLimited = new Counter({
    name: `${PREFIX}clerk_rate_limited_total`,
    help: 'Clerk Backend API requests refused with 429',
    registers: [this.registry],
  });

  private readonly clerkDuration = new Histogram({
    name: `${PREFIX}clerk_request_duration_seconds`,
    help: 'Clerk Backend API request latency, each attempt timed (a timeout counts its full wait), by operation',
    labelNames: ['operation'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly logins = new Counter({
    name: `${PREFIX}logins_total`,
    help: 'Authentications: legacy password logins, and requests carrying a Clerk session token, API key or M2M token, by result',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  migrationOutcome(outcome: string): void {
    this.migrationUsers.inc({ outcome });
  }

  clerkRequest(operation: string, status: string, seconds?: number): void {
    this.clerkRequests.inc({ operation, status });
    if (status === '429') this.clerkRateLimited.inc();
    if (seconds !== undefined) this.clerkDuration.observe({ operation }, seconds);
  }

  /**
   * Adds the gauges of where the move stands, read with `read` when scraped. One read serves every
   * gauge of a scrape and is reused for `cacheMs`, so that frequent scrapes cost the database little;
   * a failed read leaves the last values and is logged, rather than failing the whole scrape.
   * `runEndStatuses` are the ways a run ends, always reported (0 or 1) so that a dashboard sees every series.
   */
  watchMoveState(read: () => Promise<MoveState>, cacheMs: number, runEndStatuses: readonly string[]): void {
    const logger = new Logger(MetricsService.name);
    let cached: { at: number; state: Promise<MoveState | undefined> } | undefined;
    const current = (): Promise<MoveState | undefined> => {
      if (!cached || Date.now() - cached.at >= cacheMs) {
        const state = read().catch((error: unknown) => {
          logger.warn(`could not read the move's state for /metrics: ${error instanceof Error ? error.message : String(error)}`);
          cached = undefined;
          return undefined;
        });
        cached = { at: Date.now(), state };
      }
      return cached.state;
    };
    const gauge = (name: string, help: string, set: (gauge: Gauge<string>, state: MoveState) => void, labelNames: string[] = []) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          const state = await current();
          if (state) set(this, state);
        },
      });
    gauge(
      'users',
      'Users by state: on_clerk (linked to a Clerk account) or legacy (not yet)',
      (g, s) => {
        g.set({ state: 'on_clerk' }, s.usersOnClerk);
        g.set({ state: 'legacy' }, s.usersLegacy);
      },
      ['state'],
    );
    gauge('run_in_progress', 'Migration runs going on now, whichever instance runs them (dry runs aside)', (g, s) =>
      g.set(s.runsInProgress),
    );
    gauge('last_run_timestamp_seconds', 'When the latest run ended, in Unix seconds; 0 before the first', (g, s) =>
      g.set(s.lastRun ? s.lastRun.finishedAt.getTime() / 1000 : 0),
    );
    gauge(
      'invitations',
      'Invitations in the outbox by state: queued (waiting or being sent), sent, failed, revoked',
      (g, s) => {
        for (const [state, count] of Object.entries(s.invitations ?? {})) if (state !== 'secondsToEmpty') g.set({ state }, count);
      },
      ['state'],
    );
    gauge(
      'invitations_queue_empty_seconds',
      'Seconds until every queued invitation is sent at the fleet’s pace; 0 when none is queued',
      (g, s) => g.set(s.invitations?.secondsToEmpty ?? 0),
    );
    gauge(
      'last_run_status',
      'How the latest run ended: 1 for its status, 0 for the others',
      (g, s) => {
        const statuses = new Set([...runEndStatuses, ...(s.lastRun ? [s.lastRun.status] : [])]);
        for (const status of statuses) g.set({ status }, s.lastRun?.status === status ? 1 : 0);
      },
      ['status'],
    );
  }

  webhookEvent(stage: 'received' | 'applied', type: string, outcome: string): void {
    this.webhookEvents.inc({ stage, type, outcome });
  }

  login(method: LoginMethod, result: LoginResult): void {
    this.logins.inc({ method, result });
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
