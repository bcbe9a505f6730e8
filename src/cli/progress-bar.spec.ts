import { describe, expect, it } from '@jest/globals';
import { formatDuration, progressFigures, ProgressReporter, renderBar, withProgress } from './progress-bar.js';
import { renderTable } from './text-table.js';

describe('progress bar', () => {
  it('shows processed/total, percent, rate and ETA', () => {
    const figures = progressFigures({ processed: 12, total: 36 }, 4000);
    expect(figures.rate).toBe(3);
    expect(figures.etaSeconds).toBe(8);
    expect(renderBar(figures, 12)).toBe('[####--------] 12/36  33%  3.0 users/s  ETA 8s');
  });

  it('has no ETA before the first user, and formats long durations', () => {
    expect(renderBar(progressFigures({ processed: 0, total: 10 }, 0), 4)).toBe('[----] 0/10  0%  0.0 users/s  ETA -');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
  });

  it('writes a plain line every few seconds, and the last state, when stderr is not a terminal', () => {
    let now = 0;
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const reporter = new ProgressReporter(stream, () => now);
    for (let processed = 1; processed <= 9; processed += 1) {
      now += 1000;
      reporter.update({ processed, total: 10 });
    }
    reporter.finish();
    expect(lines).toEqual([
      'progress: 1/10  10%  1.0 users/s  ETA 9s\n',
      'progress: 6/10  60%  1.0 users/s  ETA 4s\n',
      'progress: 9/10  90%  1.0 users/s  ETA 1s\n',
    ]);
  });
});

describe('progress of a rollback or clean-up', () => {
  function streams(tty: boolean) {
    const written: string[] = [];
    const stream = { isTTY: tty, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    return { streams: { stdout: stream, stderr: stream }, written };
  }
  const work = async (onProgress?: (progress: { done: number; total: number }) => void) => {
    for (const done of [100, 200, 250]) onProgress?.({ done, total: 250 });
    return 'report';
  };

  it('draws a bar on a terminal and leaves the cursor on a fresh line', async () => {
    const { streams: tty, written } = streams(true);
    await expect(withProgress(false, work, tty)).resolves.toBe('report');
    expect(written.at(-2)!.startsWith(`\r\x1b[2K[${'#'.repeat(24)}] 250/250  100%`)).toBe(true);
    expect(written.at(-2)).toContain('users/s');
    expect(written.at(-1)).toBe('\n');
  });

  it('writes nothing with --json, or when the output is not a terminal', async () => {
    for (const [json, tty] of [
      [true, true],
      [false, false],
    ]) {
      const { streams: quiet, written } = streams(tty);
      await expect(withProgress(json, work, quiet)).resolves.toBe('report');
      expect(written).toEqual([]);
    }
  });
});

describe('text table', () => {
  it('pads columns and right-aligns numbers', () => {
    expect(
      renderTable(
        ['action', 'users'],
        [
          ['create', 36],
          ['link', 2],
        ],
      ),
    ).toBe('action  users\n------  -----\ncreate     36\nlink        2');
  });
});
