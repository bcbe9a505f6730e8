// Every run, newest first, paged.
import { api, errorText } from './api.js';
import { h, num, replace, status, table, when } from './dom.js';
import { runStatus } from './run-progress.js';
import type { Page, Run } from './types.js';

const PAGE = 20;

export function runsView(root: HTMLElement): void {
  const body = h('div', {}, status('Loading the runs…'));
  replace(root, h('h1', {}, 'Runs'), body);
  const show = async (offset: number) => {
    try {
      const page = await api<Page<Run>>('GET', `/migration/runs?limit=${PAGE}&offset=${offset}`);
      if (page.total === 0) return replace(body, h('p', {}, 'No run yet. Start with a dry run under Actions.'));
      replace(
        body,
        table(
          ['Run', 'Kind', 'Strategy', 'Status', 'Users', 'Migrated', 'Failed', 'Started by', 'Started', 'Finished'],
          page.items.map((run) => [
            h('a', { href: `#/run/${run.id}` }, run.id),
            run.dryRun ? 'dry run' : run.kind,
            run.strategy,
            runStatus(run),
            num(run.counts.total ?? 0),
            num((run.counts.created ?? 0) + (run.counts.linked ?? 0)),
            num(run.counts.failed ?? 0),
            run.startedByEmail ?? run.startedBy,
            when(run.startedAt),
            when(run.finishedAt),
          ]),
          `Runs ${num(offset + 1)}–${num(offset + page.items.length)} of ${num(page.total)}`,
        ),
        pager(offset, page.total, PAGE, (next) => void show(next)),
      );
    } catch (error) {
      replace(body, status(`The runs could not be read: ${errorText(error)}`, 'error'));
    }
  };
  void show(0);
}

export function pager(offset: number, total: number, size: number, go: (offset: number) => void): HTMLElement {
  const previous = h('button', { type: 'button', disabled: offset === 0 }, 'Previous page');
  const next = h('button', { type: 'button', disabled: offset + size >= total }, 'Next page');
  previous.addEventListener('click', () => go(Math.max(0, offset - size)));
  next.addEventListener('click', () => go(offset + size));
  return h('div', { class: 'pager' }, previous, next);
}
