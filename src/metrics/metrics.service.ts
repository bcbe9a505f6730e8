import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type LoginMethod = 'legacy' | 'clerk';
export type LoginResult = 'success' | 'failure';

const PREFIX = 'clerk_migrate_';

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

  private readonly httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly logins = new Counter({
    name: `${PREFIX}logins_total`,
    help: 'Authentications: legacy password logins, and requests carrying a Clerk session token, by result',
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

  clerkRequest(operation: string, status: string): void {
    this.clerkRequests.inc({ operation, status });
    if (status === '429') this.clerkRateLimited.inc();
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
