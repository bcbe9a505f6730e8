// One run: its counts (live while it runs), its items page by page, and its rollback.
import { api, download, errorText } from './api.js';
import { field, figures, h, num, replace, status, table, when } from './dom.js';
import { poll } from './live.js';
import { rollbackPanel } from './rollback.panel.js';
import { clerkUsage, runDone, runProgress, runStatus } from './run-progress.js';
import { reasonInWords } from './reasons.js';
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
  const list = h('div', { 'aria-live': 'polite' });
  const showItems = async () => {
    try {
      const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset), ...filters.values() });
      const page = await api<Page<RunItem>>('GET', `/migration/runs/${id}/items?${query}`);
      replace(
        list,
        itemsTable(page, filters.active()),
        pager(offset, page.total, PAGE, (next) => {
          offset = next;
          void showItems();
        }),
      );
    } catch (error) {
      replace(list, status(`The run’s users could not be read: ${errorText(error)}`, 'error'));
    }
  };
  const filters = itemFilters(() => {
    offset = 0;
    void showItems();
  });
  replace(items, h('h2', { id: 'items-h' }, 'Users of this run'), filters.form, downloads(id ?? ''), list);
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
    h(
      'p',
      {},
      runStatus(run),
      ` ${run.dryRun ? 'dry run' : run.kind} · strategy ${run.strategy} · started by ${run.startedByEmail ?? run.startedBy}`,
    ),
    figures(
      [
        ['Users', num(run.counts.total ?? 0)],
        ...counts.map(([key, value]): [string, string] => [key.replace(/_/g, ' '), num(value)]),
        ['Started', when(run.startedAt)],
        ['Finished', run.finishedAt ? when(run.finishedAt) : 'not yet'],
      ],
      'Run counts',
    ),
    LIVE_STATUSES.includes(run.status) ? runProgress(run) : clerkUsage(run),
    run.errorMessage ? status(`The run stopped: ${run.errorMessage} (${run.errorCode})`, 'error') : null,
    ...run.warnings.map((warning) => status(`Warning: ${warning.message ?? warning.code}`)),
  );
}

/** Outcome and reason, as the items endpoint narrows them. */
function itemFilters(changed: () => void) {
  const outcome = h(
    'select',
    {},
    h('option', { value: '' }, 'any'),
    ...OUTCOMES.map((value) => h('option', { value }, value.replace('_', ' '))),
  );
  const reason = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter the users' },
    field('Outcome', outcome),
    field('Reason', reason, 'e.g. bcrypt_digest, or an error code'),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    changed();
  });
  const values = (): Record<string, string> => ({
    ...(outcome.value && { outcome: outcome.value }),
    ...(reason.value.trim() && { reason: reason.value.trim() }),
  });
  return { form, values, active: () => Object.keys(values()).length > 0 };
}

const OUTCOMES = ['planned', 'pending', 'creating', 'created', 'linked', 'skipped', 'failed', 'rolled_back'];

/** The CLI's CSV and JSONL reports, fetched with the operator's credentials (a plain link carries no bearer token), then saved. */
function downloads(id: string): HTMLElement {
  const out = h('span', { 'aria-live': 'polite' });
  const button = (format: 'csv' | 'jsonl') => {
    const element = h('button', { type: 'button' }, `Download ${format.toUpperCase()}`);
    element.addEventListener('click', () => {
      replace(out, 'Preparing the file…');
      download(`/console/api/runs/${id}/export?format=${format}`, `run-${id}-items.${format}`)
        .then(() => replace(out))
        .catch((error: unknown) => replace(out, status(errorText(error), 'error')));
    });
    return element;
  };
  return h('p', {}, button('csv'), button('jsonl'), out);
}

function itemsTable(page: Page<RunItem>, filtered: boolean): HTMLElement {
  if (page.total === 0) return h('p', {}, filtered ? 'No user of this run matches.' : 'This run has no users.');
  return table(
    ['Email', 'Plan', 'Outcome', 'Reason', 'Attempts', 'Clerk user', 'Updated'],
    page.items.map((item) => [
      item.email,
      item.action,
      item.rolledBackAt ? `${item.outcome} (rolled back)` : item.outcome,
      item.message ? `${reasonInWords(item.reason)}: ${item.message}` : reasonInWords(item.reason),
      num(item.attempts),
      item.clerkUserId ?? '',
      when(item.updatedAt),
    ]),
    `Users ${num(page.offset + 1)}–${num(page.offset + page.items.length)} of ${num(page.total)}`,
  );
}
