// The audit log, searched by email, user id, action or actor.
import { api, errorText } from './api.js';
import { field, h, num, replace, status, table, when } from './dom.js';
import { pager } from './runs.view.js';

interface AuditRow {
  id: string;
  userId: string | null;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  createdAt: string;
}

const PAGE = 50;

export function auditView(root: HTMLElement): void {
  const email = h('input', { type: 'email', autocomplete: 'off' });
  const userId = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const action = h('input', { type: 'text', autocomplete: 'off' });
  const actor = h('input', { type: 'text', autocomplete: 'off' });
  const results = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card filters', 'aria-label': 'Search the audit log' },
    field('Email', email),
    field('User id', userId),
    field('Action', action, 'e.g. migration.user.created, auth.login.failed'),
    field('Actor', actor, 'an admin’s user id, cli, scheduler'),
    h('button', { type: 'submit' }, 'Search'),
  );
  const search = async (offset: number) => {
    replace(results, status('Searching…'));
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const [name, input] of Object.entries({ email, userId, action, actor }))
      if (input.value.trim()) query.set(name, input.value.trim());
    try {
      const page = await api<{ items: AuditRow[]; total: number }>('GET', `/audit?${query}`);
      if (page.total === 0) return replace(results, h('p', {}, 'No audit row matches.'));
      replace(
        results,
        table(
          ['When', 'Action', 'User', 'Actor', 'Details'],
          page.items.map((row) => [when(row.createdAt), row.action, row.userId ?? '', row.actor, JSON.stringify(row.details)]),
          `Rows ${num(offset + 1)}–${num(offset + page.items.length)} of ${num(page.total)}, newest first`,
        ),
        pager(offset, page.total, PAGE, (next) => void search(next)),
      );
    } catch (error) {
      replace(results, status(errorText(error), 'error'));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search(0);
  });
  replace(root, h('h1', {}, 'Audit log'), form, results);
  void search(0);
}
