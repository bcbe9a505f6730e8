// Where the move stands: the users' figures, the run in progress (live) and the latest runs.
import type { Activity } from './activity.view.js';
import { api, errorText } from './api.js';
import { hourlyChart } from './chart.js';
import { figures, h, localTimesIn, num, replace, status, table, when } from './dom.js';
import { poll } from './live.js';
import { runProgress, runStatus } from './run-progress.js';
import { LIVE_STATUSES, type Page, type Run, type Stats } from './types.js';

/** The whole of `/migration/stats` matches a pattern per legacy user (seconds on a million): read once a minute, not every 3 s. */
const FULL_STATS_EVERY_MS = 60_000;

export function overviewView(root: HTMLElement): () => void {
  const body = h('div', {}, status('Loading the figures…'));
  const formats = h('section', { 'aria-labelledby': 'formats-h' });
  replace(root, h('h1', {}, 'Where the move stands'), body, formats);
  let full: Stats | undefined;
  const stopFull = poll(async () => {
    replace(formats, h('h2', { id: 'formats-h' }, 'Legacy users by password format'), status('Counting legacy users by password format…'));
    try {
      full = await api<Stats>('GET', '/migration/stats');
      replace(formats, h('h2', { id: 'formats-h' }, 'Legacy users by password format'), ...formatSection(full));
    } catch (error) {
      replace(formats, status(`The count by password format could not be read: ${errorText(error)}`, 'error'));
    }
    return true;
  }, FULL_STATS_EVERY_MS);
  const stopLive = poll(async () => {
    try {
      const [counts, runs, activity, lock] = await Promise.all([
        api<Stats>('GET', '/console/api/counts'),
        api<Page<Run>>('GET', '/migration/runs?limit=5'),
        api<Activity>('GET', '/console/api/activity?days=3'),
        api<{ holders: string[] }>('GET', '/console/api/lock'),
      ]);
      const live = runs.items.find((run) => LIVE_STATUSES.includes(run.status) && !run.dryRun);
      replace(body, usersSection({ ...full, ...counts }), progressChart(activity), liveSection(live, lock.holders), recentRuns(runs));
    } catch (error) {
      replace(body, status(`The figures could not be read: ${errorText(error)}`, 'error'));
    }
    return true;
  }, 3000);
  return () => {
    stopFull();
    stopLive();
  };
}

/** The counts are fresh; what only `/migration/stats` carries (deleted at Clerk, invitations) is at most a minute old. */
function usersSection(stats: Stats): HTMLElement {
  const entries: [string, string][] = [
    ['Users', num(stats.total)],
    ['On Clerk', num(stats.withClerk)],
    ['Legacy (not yet on Clerk)', num(stats.withoutClerk)],
    ['With a password hash', num(stats.withPassword)],
    ['Signed in through Clerk', num(stats.signedInThroughClerk)],
  ];
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
      'Legacy users by the format of their password hash (counted once a minute)',
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
