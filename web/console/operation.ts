// A rollback or clean-up that acts answers 202 with where to follow it: asked every half second,
// its done/total shown, until it ends with the report the page shows as before.
import { api } from './api.js';
import { h, num, replace, status } from './dom.js';
import type { Operation, StartedOperation } from './types.js';

const POLL_MS = 500;

/** Starts the work with `POST path`, then follows its operation in `out`; resolves with its report. */
export async function startAndFollow<Report>(path: string, body: unknown, out: HTMLElement, doing: string): Promise<Report> {
  const started = await api<StartedOperation>('POST', path, body);
  for (;;) {
    const operation = await api<Operation<Report>>('GET', started.statusUrl);
    if (operation.status === 'completed' && operation.report) return operation.report;
    if (operation.status !== 'running') {
      throw new Error(
        `${doing} stopped (${operation.status}): ${operation.errorMessage ?? 'no detail given'} (${operation.errorCode ?? '-'})`,
      );
    }
    replace(out, operationProgress(operation, doing));
    await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
  }
}

function operationProgress(operation: Operation<unknown>, doing: string): HTMLElement {
  const label = `${num(operation.done)} of ${num(operation.total)} users done`;
  return h(
    'div',
    { class: 'progress' },
    status(`${doing}…`),
    h('progress', { max: Math.max(operation.total, 1), value: operation.done, 'aria-label': label }),
    h('p', {}, label),
  );
}
