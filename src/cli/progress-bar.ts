import type { RunProgress } from '../migration/migration-runner.js';

const BAR_WIDTH = 24;
const TTY_REDRAW_MS = 100;
const LOG_INTERVAL_MS = 5000;

export interface ProgressFigures {
  processed: number;
  total: number;
  /** Users per second since the start. */
  rate: number;
  /** Seconds left at that rate; undefined until there is a rate. */
  etaSeconds: number | undefined;
}

export function progressFigures(progress: Pick<RunProgress, 'processed' | 'total'>, elapsedMs: number): ProgressFigures {
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
 * Shows a run's progress on stderr: a bar redrawn in place on a terminal, otherwise a plain line
 * every few seconds (a log file or CI output should not fill up with carriage returns).
 */
export class ProgressReporter {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private last: RunProgress | undefined;
  private drawn: RunProgress | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  readonly update = (progress: RunProgress): void => {
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

  private draw(progress: RunProgress): void {
    this.lastDraw = this.now();
    this.drawn = progress;
    const figures = progressFigures(progress, this.now() - this.started);
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${renderBar(figures)}`);
    else this.stream.write(`progress: ${progressLine(figures)}\n`);
  }
}
