// A run's rollback, as the CLI does it: the preview's counts first, then the operator types the run id.
import { api, errorText } from './api.js';
import { field, figures, h, num, replace, status } from './dom.js';
import { startAndFollow } from './operation.js';
import type { RollbackReport, Run } from './types.js';

export function rollbackPanel(run: Run, done: () => void): HTMLElement {
  const deleteAccounts = h('input', { type: 'checkbox' });
  const preview = h('button', { type: 'button' }, 'Preview the rollback');
  const outcome = h('div', { 'aria-live': 'polite' });
  const panel = h(
    'section',
    { class: 'card', 'aria-labelledby': 'rollback-h' },
    h('h2', { id: 'rollback-h' }, 'Roll back this run'),
    h('p', {}, 'Unlinks the users this run linked and revokes its pending invitations. People left without a password keep their account.'),
    h(
      'div',
      { class: 'check' },
      deleteAccounts,
      h('label', { for: (deleteAccounts.id = 'rb-delete') }, 'Also delete the Clerk accounts this run created'),
    ),
    preview,
    outcome,
  );
  preview.addEventListener('click', () => {
    replace(outcome, status('Asking for the preview…'));
    const body = { dryRun: true, deleteClerkUsers: deleteAccounts.checked };
    api<RollbackReport>('POST', `/migration/runs/${run.id}/rollback`, body)
      .then((report) => replace(outcome, previewAndConfirm(run, report, deleteAccounts.checked, done)))
      .catch((error: unknown) => replace(outcome, status(errorText(error), 'error')));
  });
  return panel;
}

function counts(report: RollbackReport): HTMLElement {
  return figures(
    [
      ['Links cleared', num(report.unlinked)],
      ['Clerk accounts deleted', num(report.deletedFromClerk)],
      ['Signed in through Clerk since', num(report.signedInSince)],
      ['Kept (no password left)', num(report.keptWithoutPassword)],
      ['Invitations revoked', num(report.invitationsRevoked)],
      ['Left alone (changed since)', num(report.leftAlone)],
    ],
    report.dryRun ? 'Rollback preview' : 'Rollback done',
  );
}

function previewAndConfirm(run: Run, report: RollbackReport, deleteClerkUsers: boolean, done: () => void): HTMLElement {
  const typed = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const confirm = h('button', { type: 'submit', class: 'danger', disabled: true }, 'Roll back');
  const result = h('div', { 'aria-live': 'polite' });
  typed.addEventListener('input', () => (confirm.disabled = typed.value.trim() !== run.id));
  const form = h('form', { 'aria-label': 'Confirm the rollback' }, field('Type the run id to confirm', typed, run.id), confirm, result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (typed.value.trim() !== run.id) return;
    confirm.disabled = true;
    replace(result, status('Rolling back…'));
    startAndFollow<RollbackReport>(`/migration/runs/${run.id}/rollback`, { confirm: true, deleteClerkUsers }, result, 'Rolling back')
      .then((answer) => {
        const failures =
          answer.failed.length > 0
            ? status(`${num(answer.failed.length)} deletions failed; roll back again to retry them.`, 'error')
            : null;
        replace(result, status('Rolled back.', 'ok'), counts(answer), failures);
        done();
      })
      .catch((error: unknown) => {
        confirm.disabled = false;
        replace(result, status(errorText(error), 'error'));
      });
  });
  return h('div', {}, h('h3', {}, 'What the rollback would do'), counts(report), form);
}
