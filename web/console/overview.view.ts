// Where the move stands: the users' figures, the run in progress (live) and the latest runs.
import type { Activity } from './activity.view.js';
import { api, errorText } from './api.js';
import { hourlyChart } from './chart.js';
import { figures, h, localTimesIn, num, replace, status, table, when } from './dom.js';
import { reasonInWords } from './reasons.js';
import { poll } from './live.js';
import { runProgress, runStatus } from './run-progress.js';
import { LIVE_STATUSES, type Page, type Run, type Stats } from './types.js';

/**
 * `/migration/stats` classifies every legacy user's hash (a second or two on a million): read every
 * half minute, in a section of its own, never holding the figures read every 3 s. With it, the
 * figures that move only as runs end and people sign in (invited, invalid by reason).
 */
const FULL_STATS_EVERY_MS = 30_000;
const CHART_EVERY_MS = 30_000;

export function overviewView(root: HTMLElement): () => void {
  const body = h('div', {}, status('Loading the figures…'));
  const chart = h('div', {});
  const runs = h('div', {});
  const formats = h('section', { 'aria-labelledby': 'formats-h' });
  replace(root, h('h1', {}, 'Where the move stands'), body, chart, runs, formats);
  let full: Stats | undefined;
  let counts: Stats | undefined;
  let closed = false;
  const stops: (() => void)[] = [];
  /** Starts `work`'s polling once, unless the view was left meanwhile. */
  const later = (work: () => Promise<void>, everyMs: number) => {
    let started = false;
    return () => {
      if (started || closed) return;
      started = true;
      stops.push(poll(async () => (await work(), true), everyMs));
    };
  };
  const startFull = later(async () => {
    replace(formats, h('h2', { id: 'formats-h' }, 'Legacy users by password format'), status('Counting legacy users by password format…'));
    try {
      const [stats, figures] = await Promise.all([
        api<Stats>('GET', '/migration/stats'),
        api<Pick<Stats, 'invitedNotSignedIn' | 'invalidByReason'>>('GET', '/console/api/figures'),
      ]);
      full = { ...stats, ...figures };
      if (counts) replace(body, usersSection({ ...full, ...counts }));
      replace(formats, h('h2', { id: 'formats-h' }, 'Legacy users by password format'), ...formatSection(full));
    } catch (error) {
      replace(formats, status(`The count by password format could not be read: ${errorText(error)}`, 'error'));
    }
  }, FULL_STATS_EVERY_MS);
  // Hours change slowly: the chart is read every half minute, apart from the figures read every 3 s.
  const startChart = later(async () => {
    try {
      replace(chart, progressChart(await api<Activity>('GET', '/console/api/activity?days=3')));
    } catch (error) {
      replace(chart, status(`The progress over time could not be read: ${errorText(error)}`, 'error'));
    }
    startFull();
  }, CHART_EVERY_MS);
  // On opening, the figures first; the chart, then the slow half-minute section, only once they are shown,
  // so that neither competes with them for the database (a million users: see bench/results/console.md).
  stops.push(
    poll(async () => {
      try {
        const [fresh, latest, lock] = await Promise.all([
          api<Stats>('GET', '/console/api/counts'),
          api<Page<Run>>('GET', '/migration/runs?limit=5'),
          api<{ holders: string[] }>('GET', '/console/api/lock'),
        ]);
        const live = latest.items.find((run) => LIVE_STATUSES.includes(run.status) && !run.dryRun);
        counts = fresh;
        replace(body, usersSection({ ...full, ...counts }));
        replace(runs, liveSection(live, lock.holders), recentRuns(latest));
      } catch (error) {
        replace(body, status(`The figures could not be read: ${errorText(error)}`, 'error'));
      }
      startChart();
      return true;
    }, 3000),
  );
  return () => {
    closed = true;
    for (const stop of stops) stop();
  };
}

/** The counts are fresh; what only `/migration/stats` and `/console/api/figures` carry (invitations, invited, invalid) is at most half a minute old. */
function usersSection(stats: Stats): HTMLElement {
  const entries: [string, string][] = [
    ['Users', num(stats.total)],
    ['On Clerk', num(stats.withClerk)],
    ['Legacy (not yet on Clerk)', num(stats.withoutClerk)],
    ['With a password hash', num(stats.withPassword)],
    ['Signed in through Clerk', num(stats.signedInThroughClerk)],
  ];
  if (stats.invitedNotSignedIn !== undefined) entries.push(['Invited, not yet signed in', num(stats.invitedNotSignedIn)]);
  if (stats.deletedAtClerk !== undefined) entries.push(['Deleted at Clerk', num(stats.deletedAtClerk)]);
  const share = stats.total > 0 ? Math.round((stats.withClerk / stats.total) * 1000) / 10 : 0;
  return h(
    'section',
    { 'aria-labelledby': 'users-h' },
    h('h2', { id: 'users-h' }, 'Users'),
    figures(entries, 'Users'),
    h('progress', { max: Math.max(stats.total, 1), value: stats.withClerk, 'aria-label': `${share}% of users on Clerk` }),
    h('p', {}, `${share}% of users are on Clerk.`),
    stats.invitations
      ? figures(
          [
            ['Invitations queued', num(stats.invitations.queued)],
            ['sent', num(stats.invitations.sent)],
            ['failed', num(stats.invitations.failed)],
            ['revoked', num(stats.invitations.revoked)],
          ],
          'Invitations',
        )
      : null,
    invalidSection(stats.invalidByReason),
  );
}

/** The reasons runs recorded, in words, for the legacy users they reported invalid. */
function invalidSection(byReason: Record<string, number> | undefined): HTMLElement | null {
  if (!byReason) return null;
  const reasons = Object.entries(byReason);
  const total = reasons.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return h('p', {}, 'No legacy user has been reported invalid.');
  return table(
    ['Reason', 'Legacy users'],
    reasons.map(([reason, count]) => [reasonInWords(reason), num(count)]),
    `Invalid: ${num(total)} legacy users a run could not move, by the reason it recorded`,
  );
}

function formatSection(stats: Stats): HTMLElement[] {
  const formats = Object.entries(stats.byPasswordFormat ?? {}).filter(([, count]) => count > 0);
  if (formats.length === 0) return [h('p', {}, 'No legacy user is left.')];
  const unsupported = stats.byPasswordFormat?.unsupported ?? 0;
  return [
    table(
      ['Password format', 'Legacy users'],
      formats.map(([format, count]) => [format, num(count)]),
      'Legacy users by the format of their password hash (counted every half minute)',
    ),
    unsupported > 0
      ? status(`${num(unsupported)} legacy users have a hash no hasher can import: they will be reported invalid, or invited.`)
      : null,
  ].filter((element): element is HTMLElement => element !== null);
}

function liveSection(run: Run | undefined, holders: string[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'live-h' },
    h('h2', { id: 'live-h' }, 'Run in progress'),
    run
      ? h('div', {}, h('p', {}, h('a', { href: `#/run/${run.id}` }, `Run ${run.id}`), ' ', runStatus(run)), runProgress(run))
      : h('p', {}, 'No run is in progress.'),
    holders.length === 0
      ? h('p', {}, 'The migration lock is free.')
      : h('p', { class: 'lock' }, `The migration lock is held by ${holders.map(localTimesIn).join('; ')}.`),
  );
}

function recentRuns(runs: Page<Run>): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'recent-h' },
    h('h2', { id: 'recent-h' }, 'Latest runs'),
    runs.items.length === 0
      ? h('p', {}, 'No run yet. Start with a dry run under Actions.')
      : table(
          ['Run', 'Kind', 'Status', 'Users', 'Started'],
          runs.items.map((run) => [
            h('a', { href: `#/run/${run.id}` }, run.id.slice(0, 8)),
            run.dryRun ? 'dry run' : run.kind,
            runStatus(run),
            num(run.counts.total ?? 0),
            when(run.startedAt),
          ]),
        ),
  );
}

function progressChart(activity: Activity): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'pace-h' },
    h('h2', { id: 'pace-h' }, 'Progress over the last 3 days'),
    hourlyChart('Users moved to Clerk and rolled back', activity.hours, [
      { label: 'moved to Clerk', tone: 'good', values: activity.series.migrated },
      { label: 'rolled back', tone: 'bad', values: activity.series.rolledBack },
    ]),
  );
}
