// One run: its counts (live while it runs), its items page by page, and its rollback.
import { api, errorText } from './api.js';
import { figures, h, num, replace, status, table, when } from './dom.js';
import { poll } from './live.js';
import { rollbackPanel } from './rollback.panel.js';
import { runDone, runProgress, runStatus } from './run-progress.js';
import { pager } from './runs.view.js';
import { LIVE_STATUSES, type Page, type Run, type RunItem } from './types.js';

const PAGE = 50;

export function runView(root: HTMLElement, id?: string): () => void {
  const summary = h('div', {}, status('Loading the run…'));
  const items = h('section', { 'aria-labelledby': 'items-h' });
  const actions = h('div', {});
  replace(root, h('h1', {}, 'Run ', h('code', {}, id ?? '')), summary, actions, items);
  let shownDone = -1;
  let offset = 0;
  const showItems = async () => {
    try {
      const page = await api<Page<RunItem>>('GET', `/migration/runs/${id}/items?limit=${PAGE}&offset=${offset}`);
      replace(
        items,
        h('h2', { id: 'items-h' }, 'Users of this run'),
        itemsTable(page),
        pager(offset, page.total, PAGE, (next) => {
          offset = next;
          void showItems();
        }),
      );
    } catch (error) {
      replace(items, status(`The run’s users could not be read: ${errorText(error)}`, 'error'));
    }
  };
  return poll(async () => {
    try {
      const run = await api<Run>('GET', `/migration/runs/${id}`);
      const live = LIVE_STATUSES.includes(run.status);
      replace(summary, runSummary(run));
      if (runDone(run) !== shownDone || !live) {
        shownDone = runDone(run);
        await showItems();
      }
      if (!live && actions.childElementCount === 0 && !run.dryRun && run.status !== 'rolled_back') {
        replace(
          actions,
          rollbackPanel(run, () => void showItems()),
        );
      }
      return live;
    } catch (error) {
      replace(summary, status(`The run could not be read: ${errorText(error)}`, 'error'));
      return false;
    }
  }, 1000);
}

function runSummary(run: Run): HTMLElement {
  const counts = Object.entries(run.counts).filter(([key, value]) => key !== 'total' && typeof value === 'number' && value > 0);
  return h(
    'section',
    { 'aria-labelledby': 'summary-h' },
    h('h2', { id: 'summary-h' }, 'Summary'),
    h('p', {}, runStatus(run), ` ${run.dryRun ? 'dry run' : run.kind} · strategy ${run.strategy} · started by ${run.startedBy}`),
    figures(
      [
        ['Users', num(run.counts.total ?? 0)],
        ...counts.map(([key, value]): [string, string] => [key.replace(/_/g, ' '), num(value)]),
        ['Started', when(run.startedAt)],
        ['Finished', run.finishedAt ? when(run.finishedAt) : 'not yet'],
      ],
      'Run counts',
    ),
    LIVE_STATUSES.includes(run.status) ? runProgress(run) : null,
    run.errorMessage ? status(`The run stopped: ${run.errorMessage} (${run.errorCode})`, 'error') : null,
    ...run.warnings.map((warning) => status(`Warning: ${warning.message ?? warning.code}`)),
  );
}

function itemsTable(page: Page<RunItem>): HTMLElement {
  if (page.total === 0) return h('p', {}, 'This run has no users.');
  return table(
    ['Email', 'Plan', 'Outcome', 'Reason', 'Clerk user', 'Updated'],
    page.items.map((item) => [
      item.email,
      item.action,
      item.rolledBackAt ? `${item.outcome} (rolled back)` : item.outcome,
      item.message ? `${item.reason ?? ''}: ${item.message}` : (item.reason ?? ''),
      item.clerkUserId ?? '',
      when(item.updatedAt),
    ]),
    `Users ${num(page.offset + 1)}–${num(page.offset + page.items.length)} of ${num(page.total)}`,
  );
}
