// What an operator does, with the CLI's rules: plan first, one user, everyone, clean-up with its preview.
import { api, errorText } from './api.js';
import { field, figures, h, num, replace, status, table } from './dom.js';
import { startAndFollow } from './operation.js';
import { reasonInWords } from './reasons.js';
import type { CleanupReport, DryRunReport } from './types.js';

export function actionsView(root: HTMLElement): void {
  replace(root, h('h1', {}, 'Actions'), dryRunCard(), migrateOneCard(), startRunCard(), cleanupCard(), resendCard());
}

function strategySelect(): HTMLSelectElement {
  return h(
    'select',
    {},
    h('option', { value: '' }, 'the configured default'),
    h('option', { value: 'password' }, 'password'),
    h('option', { value: 'invite' }, 'invite'),
  );
}

function card(id: string, title: string, intro: string, ...content: HTMLElement[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), h('p', {}, intro), ...content);
}

/** A form whose submit runs `work` and shows its answer, or the error in words. */
function actionForm(label: string, button: string, controls: HTMLElement[], work: (out: HTMLElement) => Promise<void>): HTMLFormElement {
  const submit = h('button', { type: 'submit' }, button);
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { 'aria-label': label }, ...controls, submit, out);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(out, status('Working…'));
    work(out)
      .catch((error: unknown) => replace(out, status(errorText(error), 'error')))
      .finally(() => (submit.disabled = false));
  });
  return form;
}

function dryRunCard(): HTMLElement {
  const strategy = strategySelect();
  const limit = h('input', { type: 'number', min: 1, inputmode: 'numeric' });
  const form = actionForm(
    'Dry run',
    'Plan (dry run)',
    [field('Strategy', strategy), field('At most this many users', limit, 'Empty: everyone left')],
    async (out) => {
      const report = await api<DryRunReport>('POST', '/migration/dry-run', {
        ...(strategy.value && { strategy: strategy.value }),
        ...(limit.value && { limit: Number(limit.value) }),
      });
      if (report.total === 0) return replace(out, status('Nobody is left to migrate.', 'ok'));
      replace(
        out,
        status(`Planned ${num(report.total)} users; nothing was written to Clerk or to users.`, 'ok'),
        figures(
          Object.entries(report.byAction).map(([action, count]) => [action, num(count)]),
          'Plan by action',
        ),
        ...report.warnings.map((warning) => status(`Warning: ${warning.message ?? warning.code}`)),
        table(
          ['Email', 'Plan', 'Reason'],
          report.users.slice(0, 20).map((user) => [user.email, user.action, reasonInWords(user.reason)]),
          'The first users of the plan',
        ),
        h('p', {}, h('a', { href: `#/run/${report.runId}` }, `The whole plan: run ${report.runId}`)),
      );
    },
  );
  return card('dry-h', 'Dry run', 'Looks every legacy user up in Clerk and says what a run would do. Writes nothing.', form);
}

function migrateOneCard(): HTMLElement {
  const email = h('input', { type: 'email', autocomplete: 'off', required: true });
  const form = actionForm('Migrate one user', 'Migrate this user', [field('Email', email)], async (out) => {
    const started = await api<{ runId: string }>('POST', '/migration/runs', { email: email.value });
    replace(out, status(`Started run ${started.runId}.`, 'ok'));
    location.hash = `#/run/${started.runId}`;
  });
  return card('one-h', 'Migrate one user', 'Moves one legacy user to Clerk, by email.', form);
}

function startRunCard(): HTMLElement {
  const strategy = strategySelect();
  const limit = h('input', { type: 'number', min: 1, inputmode: 'numeric' });
  const form = actionForm(
    'Start a run',
    'Start the run',
    [field('Strategy', strategy), field('At most this many users', limit, 'Empty: everyone left')],
    async (out) => {
      const started = await api<{ runId: string }>('POST', '/migration/runs', {
        ...(strategy.value && { strategy: strategy.value }),
        ...(limit.value && { limit: Number(limit.value) }),
      });
      replace(out, status(`Started run ${started.runId}.`, 'ok'));
      location.hash = `#/run/${started.runId}`;
    },
  );
  return card('run-h', 'Start a run', 'Migrates everyone left (or the first N) in the background; its page shows it live.', form);
}

function cleanupCard(): HTMLElement {
  const out = h('div', { 'aria-live': 'polite' });
  const form = actionForm('Preview the clean-up', 'Preview the clean-up', [], async (preview) => {
    const report = await api<CleanupReport>('POST', '/migration/cleanup-passwords', { dryRun: true });
    replace(preview, cleanupFigures(report), report.removed > 0 ? confirmCleanup(out) : status('No hash to remove yet.'), out);
  });
  return card('clean-h', 'Remove password hashes', 'Only of users who have signed in through Clerk since; this cannot be undone.', form);
}

function confirmCleanup(out: HTMLElement): HTMLElement {
  const typed = h('input', { type: 'text', autocomplete: 'off' });
  return actionForm('Confirm the clean-up', 'Remove the hashes', [field('Type remove to confirm', typed)], async (progress) => {
    if (typed.value.trim() !== 'remove') return replace(out, status('Type remove to confirm.', 'error'));
    const report = await startAndFollow<CleanupReport>('/migration/cleanup-passwords', { confirm: true }, progress, 'Removing the hashes');
    replace(progress);
    replace(out, cleanupFigures(report));
  });
}

function cleanupFigures(report: CleanupReport): HTMLElement {
  return figures(
    [
      [report.dryRun ? 'Hashes that would be removed' : 'Hashes removed', num(report.removed)],
      ['Waiting for a Clerk sign-in', num(report.waitingForClerkSignIn)],
      ['Not on Clerk (kept)', num(report.notOnClerk)],
    ],
    'Clean-up',
  );
}

function resendCard(): HTMLElement {
  const form = actionForm('Resend invitations', 'Resend failed invitations', [], async (out) => {
    const report = await api<{ attempted: number; sent: number; failed: number }>('POST', '/migration/resend-invites');
    replace(
      out,
      status(`${num(report.sent)} of ${num(report.attempted)} sent, ${num(report.failed)} failed.`, report.failed > 0 ? 'error' : 'ok'),
    );
  });
  return card('resend-h', 'Resend invitations', 'Retries the invitations that failed after their account was created.', form);
}
