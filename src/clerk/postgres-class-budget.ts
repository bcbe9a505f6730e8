import { Logger } from '@nestjs/common';
import { scheduleEnd, type ClassBudget } from './class-budget.js';
import { classKey, effectiveRequests, windowMs, type ClassLimits, type LimitedRequestClass } from './clerk-request.classes.js';
import { ClerkGatewayError } from './clerk-gateway.error.js';
import { systemClock, type Clock } from './clock.js';
import type { BudgetDatabase } from './postgres-request-budget.js';

interface ReserveRow {
  wait_ms: number;
  reserved: boolean;
  paused_until_ms: number | null;
}

interface WindowRow {
  now_ms: number;
  sends: number[];
  paused_until_ms: number;
}

interface PauseRow {
  paused_until_ms: number | null;
  in_force: boolean;
}

/** A process woken after another one met a 429 reserves again this many times before sending anyway. */
const MAX_RESERVATIONS = 5;

/**
 * The limited classes' windows, one row of `clerk_request_budget` each (`invitations`,
 * `user_updates:<user>`), shared by every process on the database: `clerk_reserve_class_send` hands
 * out send times under the row's lock, a burst up to the limit at once and then one each time an old
 * send leaves the window (see `LocalClassBudget`, the same schedule in memory). A 429 sets only the
 * class's own `paused_until`; the instance-wide row (`PostgresRequestBudget`) is another row.
 *
 * Unreachable, the database holds nobody back for long: the process falls back to its own windows
 * (which also learn every pause it records), so a lone process stays within the limits; several
 * processes cut off at once could together exceed an hour-scale class, and would meet a 429 that
 * pauses it.
 */
export class PostgresClassBudget implements ClassBudget {
  private readonly logger = new Logger(PostgresClassBudget.name);
  private fallingBack = false;

  constructor(
    private readonly db: BudgetDatabase,
    private readonly limits: ClassLimits,
    private readonly fallback: ClassBudget,
    private readonly clock: Clock = systemClock,
  ) {}

  async take(requestClass: LimitedRequestClass, subject: string | undefined, maxWaitMs?: number): Promise<void> {
    const key = classKey(requestClass, subject, this.limits);
    for (let attempt = 1; ; attempt += 1) {
      let row: ReserveRow;
      try {
        row = await this.reserve(requestClass, key, maxWaitMs);
      } catch (error) {
        this.fellBack(error);
        return this.fallback.take(requestClass, subject, maxWaitMs);
      }
      this.reachable();
      if (!row.reserved) throw ClerkGatewayError.classPaused(requestClass, row.wait_ms);
      if (row.wait_ms > 0) await this.clock.sleep(row.wait_ms);
      // Another process may have met a 429 of this class while this one slept towards its slot.
      if (row.wait_ms <= 0 || attempt >= MAX_RESERVATIONS || !(await this.pausedSince(key, row.paused_until_ms))) return;
    }
  }

  async pauseUntil(requestClass: LimitedRequestClass, subject: string | undefined, untilMs: number): Promise<void> {
    await this.fallback.pauseUntil(requestClass, subject, untilMs);
    const fromNowMs = Math.max(0, untilMs - this.clock.now());
    await this.db
      .query(
        `INSERT INTO clerk_request_budget AS b (name, paused_until)
         VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET paused_until = GREATEST(b.paused_until, EXCLUDED.paused_until)`,
        [classKey(requestClass, subject, this.limits), fromNowMs],
      )
      .catch((error: unknown) => this.fellBack(error));
  }

  async backlogMs(requestClass: LimitedRequestClass, count: number, notBeforeMs = 0): Promise<number> {
    let row: WindowRow | undefined;
    try {
      [row] = rowsOf<WindowRow>(
        await this.db.query(
          `SELECT (extract(epoch FROM n.t) * 1000)::float8 AS now_ms,
                  ARRAY(SELECT (extract(epoch FROM s) * 1000)::float8 FROM unnest(coalesce(b.window_sends, '{}')) AS s) AS sends,
                  coalesce((extract(epoch FROM b.paused_until) * 1000)::float8, 0) AS paused_until_ms
             FROM (SELECT clock_timestamp() AS t) AS n LEFT JOIN clerk_request_budget b ON b.name = $1`,
          [classKey(requestClass, undefined, this.limits)],
        ),
      );
    } catch (error) {
      this.fellBack(error);
      return this.fallback.backlogMs(requestClass, count, notBeforeMs);
    }
    const now = row?.now_ms ?? this.clock.now();
    const window = { sends: row?.sends ?? [], pausedUntil: row?.paused_until_ms ?? 0 };
    const limit = effectiveRequests(requestClass, this.limits);
    return scheduleEnd(window, now, limit, windowMs(requestClass, this.limits), count, now + notBeforeMs) - now;
  }

  private async reserve(requestClass: LimitedRequestClass, key: string, maxWaitMs: number | undefined): Promise<ReserveRow> {
    const result = await this.db.query(`SELECT wait_ms, reserved, paused_until_ms FROM clerk_reserve_class_send($1, $2, $3, $4)`, [
      key,
      effectiveRequests(requestClass, this.limits),
      windowMs(requestClass, this.limits),
      maxWaitMs === undefined || !Number.isFinite(maxWaitMs) ? null : maxWaitMs,
    ]);
    const [row] = rowsOf<ReserveRow>(result);
    return row ?? { wait_ms: 0, reserved: true, paused_until_ms: null };
  }

  private async pausedSince(key: string, pausedUntilMs: number | null): Promise<boolean> {
    try {
      const [row] = rowsOf<PauseRow>(
        await this.db.query(
          `SELECT (extract(epoch FROM paused_until) * 1000)::float8 AS paused_until_ms, paused_until > clock_timestamp() AS in_force
             FROM clerk_request_budget WHERE name = $1`,
          [key],
        ),
      );
      return row !== undefined && row.in_force && row.paused_until_ms !== pausedUntilMs;
    } catch {
      return false;
    }
  }

  private reachable(): void {
    if (!this.fallingBack) return;
    this.fallingBack = false;
    this.logger.log('shared Clerk class budgets reachable again');
  }

  private fellBack(error: unknown): void {
    if (this.fallingBack) return;
    this.fallingBack = true;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(`shared Clerk class budgets unreachable (${message}); pacing this process on its own until they answer`);
  }
}

function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}
