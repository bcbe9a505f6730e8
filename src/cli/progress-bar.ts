import type { RunProgress } from '../migration/migration-runner.js';

const BAR_WIDTH = 24;
const TTY_REDRAW_MS = 100;
const LOG_INTERVAL_MS = 5000;

/** What the bar shows: a run's users, or the users a rollback or clean-up has gone through. */
export type Progress = Pick<RunProgress, 'processed' | 'total'>;

export interface ProgressFigures {
  processed: number;
  total: number;
  /** Users per second since the start. */
  rate: number;
  /** Seconds left at that rate; undefined until there is a rate. */
  etaSeconds: number | undefined;
}

export function progressFigures(progress: Progress, elapsedMs: number): ProgressFigures {
  const rate = elapsedMs > 0 ? (progress.processed * 1000) / elapsedMs : 0;
  const left = Math.max(progress.total - progress.processed, 0);
  return { processed: progress.processed, total: progress.total, rate, etaSeconds: rate > 0 ? left / rate : undefined };
}

/** `[#########---------------]  12/36  33%  8.1 users/s  ETA 3s` */
export function renderBar(figures: ProgressFigures, width = BAR_WIDTH): string {
  const ratio = figures.total > 0 ? Math.min(figures.processed / figures.total, 1) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progressLine(figures)}`;
}

/** `12/36  33%  8.1 users/s  ETA 3s`: what a log line says every few seconds when stderr is not a terminal. */
export function progressLine(figures: ProgressFigures): string {
  const percent = figures.total > 0 ? Math.floor((Math.min(figures.processed, figures.total) * 100) / figures.total) : 100;
  const eta = figures.etaSeconds === undefined ? 'ETA -' : `ETA ${formatDuration(figures.etaSeconds)}`;
  return `${figures.processed}/${figures.total}  ${percent}%  ${figures.rate.toFixed(1)} users/s  ${eta}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Runs `work` with a bar on stderr for a person at a terminal, and nothing otherwise: a rollback's
 * or a clean-up's progress is worth a look only while one waits for it, never in a log or beside `--json`.
 */
export async function withProgress<T>(
  json: boolean,
  work: (onProgress?: (progress: { done: number; total: number }) => void) => Promise<T>,
  streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process,
): Promise<T> {
  if (json || !streams.stdout.isTTY || !streams.stderr.isTTY) return work();
  const bar = new ProgressReporter(streams.stderr);
  try {
    return await work(({ done, total }) => bar.update({ processed: done, total }));
  } finally {
    bar.finish();
  }
}

/**
 * Shows a run's progress on stderr: a bar redrawn in place on a terminal, otherwise a plain line
 * every few seconds (a log file or CI output should not fill up with carriage returns).
 */
export class ProgressReporter {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private last: Progress | undefined;
  private drawn: Progress | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  readonly update = (progress: Progress): void => {
    this.last = progress;
    const interval = this.stream.isTTY ? TTY_REDRAW_MS : LOG_INTERVAL_MS;
    if (this.now() - this.lastDraw < interval && progress.processed < progress.total) return;
    this.draw(progress);
  };

  /** Draws the final state and leaves the cursor on a fresh line. */
  finish(): void {
    if (!this.last) return;
    if (this.drawn !== this.last) this.draw(this.last);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(progress: Progress): void {
    this.lastDraw = this.now();
    this.drawn = progress;
    const figures = progressFigures(progress, this.now() - this.started);
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${renderBar(figures)}`);
    else this.stream.write(`progress: ${progressLine(figures)}\n`);
  }
}
