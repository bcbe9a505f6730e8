// A live run's progress: done of total, rate, ETA, from the run's own counts; its Clerk requests against the shared budget.
import { h, num, when } from './dom.js';
import type { Run } from './types.js';

const PENDING = ['planned', 'pending', 'creating'];

export function runDone(run: Run): number {
  const total = run.counts.total ?? 0;
  return total - PENDING.reduce((sum, key) => sum + (run.counts[key] ?? 0), 0);
}

export function runProgress(run: Run): HTMLElement {
  const total = run.counts.total ?? 0;
  const done = runDone(run);
  const seconds = Math.max(1, (Date.now() - Date.parse(run.startedAt)) / 1000);
  const rate = done / seconds;
  const eta = rate > 0 && done < total ? Math.round((total - done) / rate) : undefined;
  const label = `${num(done)} of ${num(total)} users done`;
  return h(
    'div',
    { class: 'progress' },
    h('progress', { max: Math.max(total, 1), value: done, 'aria-label': label }),
    h(
      'p',
      {},
      `${label} · ${rate.toFixed(1)} users/s · started ${when(run.startedAt)}`,
      eta !== undefined ? ` · about ${formatDuration(eta)} left` : '',
    ),
    clerkUsage(run),
  );
}

/** The run's requests to Clerk against the budget every process shares, and what Clerk pushed back. */
export function clerkUsage(run: Run): HTMLElement | null {
  const clerk = run.clerk;
  if (!clerk || clerk.budgetPerSecond === null) return null;
  const rate = clerk.requestsPerSecond ?? 0;
  const share = Math.round((rate / clerk.budgetPerSecond) * 100);
  return h(
    'p',
    { class: 'clerk-usage' },
    h('meter', {
      min: 0,
      max: clerk.budgetPerSecond,
      value: Math.min(rate, clerk.budgetPerSecond),
      'aria-label': `${share}% of the Clerk budget`,
    }),
    ` Clerk: ${num(clerk.requests)} requests · ${rate.toFixed(1)}/s of the shared ${num(clerk.budgetPerSecond)}/s (${share}%)`,
    ` · ${num(clerk.rateLimited)} answered 429 · ${num(clerk.retries)} retries`,
  );
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Plain words for run statuses. */
export const STATUS_WORDS: Record<string, string> = {
  open: 'open',
  running: 'running',
  completed: 'completed',
  completed_with_errors: 'completed with errors',
  failed: 'failed',
  interrupted: 'interrupted',
  rolled_back: 'rolled back',
};

export function runStatus(run: Run): HTMLElement {
  return h('span', { class: `badge ${run.status}` }, STATUS_WORDS[run.status] ?? run.status);
}
