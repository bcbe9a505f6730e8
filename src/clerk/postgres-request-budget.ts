import { Logger } from '@nestjs/common';
import { systemClock, type Clock } from './clock.js';
import type { RequestBudget } from './request-budget.js';
import { ARRIVAL_SPREAD_SECONDS, CLERK_WINDOW_SECONDS } from './token-bucket.js';

/** The one call the budget needs from the database; a TypeORM `DataSource` or a `pg.Pool` both fit. */
export interface BudgetDatabase {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

/** How late after its slot a request may still go out; later, it takes a new slot. */
const LATE_SLOT_TOLERANCE_MS = 50;
/** A process too starved to ever wake on time still sends, after this many missed slots. */
const MAX_LATE_RETRIES = 3;

/** A reserved slot, and the fleet's pause as it stood then (epoch ms, null if never paused). */
interface Slot {
  waitMs: number;
  pausedUntilMs: number | null;
}

interface SlotRow {
  wait_ms: number;
  paused_until_ms: number | null;
}

interface PauseRow {
  paused_until_ms: number | null;
  in_force: boolean;
}

/** `pauseUntil` only ever moves it later; read the same way on reserving and on waking, so they compare exactly. */
const PAUSED_UNTIL_MS = `(extract(epoch FROM b.paused_until) * 1000)::float8`;

/** One budget per Clerk instance would need the key; one per database is what DESIGN asks for. */
export const DEFAULT_BUDGET_NAME = 'clerk';

/**
 * One Clerk request budget for every process on the database. A single row holds the next free
 * send time; each request reserves its slot with one UPDATE (the row lock orders the fleet) and
 * sleeps until it. Slots are spaced 1/rate apart, so the fleet together sends at the rate and no
 * faster, in any window, however many processes ask; a process that dies while waiting only
 * wastes its slot. The clock is PostgreSQL's, so the processes' own clocks need not agree.
 *
 * Why not a library's fixed-window counter (rate-limiter-flexible's PostgreSQL store): it lets a
 * window's whole allowance out at its start, twice the rate across a window edge, and every
 * refused caller retries at the next edge together; a slot schedule paces instead of refusing.
 *
 * A 429 met by any process pauses the fleet: `pauseUntil` moves `next_slot` past Retry-After, so
 * later reservations wait it out, and records `paused_until`, which a request that reserved before
 * the 429 reads when it wakes (`pausedSince`).
 *
 * If the database cannot be reached, the process falls back to its own bucket at the same rate
 * rather than stopping every Clerk call (auth look-ups included) for the outage's length.
 */
export class PostgresRequestBudget implements RequestBudget {
  private readonly logger = new Logger(PostgresRequestBudget.name);
  private readonly intervalMs: number;
  private fallingBack = false;

  constructor(
    private readonly db: BudgetDatabase,
    ratePerSecond: number,
    private readonly fallback: RequestBudget,
    private readonly name = DEFAULT_BUDGET_NAME,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    // Trimmed so that a window at Clerk's end, which may take in what we sent over 10.1 s, holds one
    // request less than the rate allows: a two-request call (the SDK's list and count) sends both at
    // the end of its span, one more than the slots a window starting there covers.
    const perWindow = Math.max(1, ratePerSecond * CLERK_WINDOW_SECONDS - 1);
    this.intervalMs = ((CLERK_WINDOW_SECONDS + ARRIVAL_SPREAD_SECONDS) * 1000) / perWindow;
  }

  async take(cost: number): Promise<void> {
    let lateRetries = 0;
    for (;;) {
      let slot: Slot;
      try {
        slot = await this.reserve(cost);
      } catch (error) {
        this.fellBack(error);
        return this.fallback.take(cost);
      }
      if (this.fallingBack) {
        this.fallingBack = false;
        this.logger.log('shared Clerk budget reachable again');
      }
      if (slot.waitMs <= 0) return;
      const due = this.clock.now() + slot.waitMs;
      await this.clock.sleep(slot.waitMs);
      // A process that woke long after its slot (a stalled event loop, a starved CPU) would send
      // beside the next process's request; it lets the slot go and takes a new one instead.
      if (this.clock.now() - due > LATE_SLOT_TOLERANCE_MS && lateRetries++ < MAX_LATE_RETRIES) continue;
      // A 429 met by any process while this one slept: a fresh slot lies after the pause, one
      // interval behind the last request it holds, so the held requests do not go out together at its end.
      if (!(await this.pausedSince(slot))) return;
    }
  }

  async pauseUntil(untilMs: number): Promise<void> {
    const fromNowMs = Math.max(0, untilMs - this.clock.now());
    await this.db
      .query(
        `INSERT INTO clerk_request_budget AS b (name, next_slot, paused_until)
         SELECT $1, until, until FROM (SELECT clock_timestamp() + $2 * interval '1 millisecond' AS until) AS pause
         ON CONFLICT (name) DO UPDATE SET next_slot = GREATEST(b.next_slot, EXCLUDED.next_slot),
                                          paused_until = GREATEST(b.paused_until, EXCLUDED.paused_until)`,
        [this.name, fromNowMs],
      )
      .catch((error: unknown) => this.fellBack(error));
  }

  async pausedForMs(): Promise<number> {
    try {
      const [row] = rowsOf<{ ms: number | null }>(
        await this.db.query(
          `SELECT (extract(epoch FROM b.paused_until - clock_timestamp()) * 1000)::float8 AS ms FROM clerk_request_budget b WHERE b.name = $1`,
          [this.name],
        ),
      );
      return Math.max(0, row?.ms ?? 0);
    } catch {
      return 0;
    }
  }

  /**
   * Whether a pause declared after `slot` was reserved is still in force. `next_slot` holds back only
   * the requests reserved after a 429; one that slept towards an earlier slot asks here on waking.
   * A poll of the row, not LISTEN/NOTIFY: it is one primary-key read that takes no lock, on the pool
   * the process already has, paid only by requests that slept; a listener would need a connection
   * of its own per process, held outside TypeORM's pool (and unusable behind a transaction-pooling
   * proxy), and a notification sent while it reconnects would be lost, letting requests into the pause.
   * Unreachable, the database holds nobody back: the process's own pause (the pacer's) still does.
   */
  private async pausedSince(slot: Slot): Promise<boolean> {
    try {
      const [row] = rowsOf<PauseRow>(
        await this.db.query(
          `SELECT ${PAUSED_UNTIL_MS} AS paused_until_ms, b.paused_until > clock_timestamp() AS in_force
             FROM clerk_request_budget b WHERE b.name = $1`,
          [this.name],
        ),
      );
      return row !== undefined && row.in_force && row.paused_until_ms !== slot.pausedUntilMs;
    } catch {
      // The request goes out at its slot, as it would have before any pause existed; the next
      // reservation finds out whether the database is really gone (and says so).
      return false;
    }
  }

  /**
   * Reserves the next `cost` slots; returns how long to wait for the last of them. The requests of a
   * call go out together (the SDK's user list sends its page and count at once), so they take the
   * end of their span: no window then holds more requests than slots.
   */
  private async reserve(cost: number): Promise<Slot> {
    const spanMs = cost * this.intervalMs;
    const result = await this.db.query(
      `INSERT INTO clerk_request_budget AS b (name, next_slot) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET next_slot = GREATEST(b.next_slot, clock_timestamp()) + $2 * interval '1 millisecond'
       RETURNING (extract(epoch FROM b.next_slot - clock_timestamp()) * 1000 - $3)::float8 AS wait_ms, ${PAUSED_UNTIL_MS} AS paused_until_ms`,
      [this.name, spanMs, this.intervalMs],
    );
    const [row] = rowsOf<SlotRow>(result);
    return { waitMs: row?.wait_ms ?? 0, pausedUntilMs: row?.paused_until_ms ?? null };
  }

  private fellBack(error: unknown): void {
    if (this.fallingBack) return;
    this.fallingBack = true;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(`shared Clerk budget unreachable (${message}); pacing this process on its own until it answers`);
  }
}

/** TypeORM answers with the rows, `pg` with a result that holds them. */
function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}
