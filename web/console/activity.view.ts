// Sign-ins (the seed's "login success rate") and the move's pace, per hour over the last days.
import { api, errorText } from './api.js';
import { hourlyChart } from './chart.js';
import { field, h, num, replace, status, table } from './dom.js';
import { reasonInWords } from './reasons.js';

export interface Activity {
  hours: string[];
  series: Record<'legacySignIns' | 'legacyRefusals' | 'clerkFirstSignIns' | 'clerkRefusals' | 'migrated' | 'rolledBack', number[]>;
  refusals: { method: string; reason: string; count: number }[];
}

export function activityView(root: HTMLElement): void {
  const days = h('select', {}, ...[1, 3, 7, 14].map((n) => h('option', { value: n, selected: n === 3 }, `${n} day${n > 1 ? 's' : ''}`)));
  const body = h('div', {}, status('Loading the activity…'));
  replace(root, h('h1', {}, 'Sign-ins and activity'), field('Window', days), body);
  const show = async () => {
    replace(body, status('Loading the activity…'));
    try {
      const activity = await api<Activity>('GET', `/console/api/activity?days=${days.value}`);
      replace(body, ...signInSections(activity));
    } catch (error) {
      replace(body, status(`The activity could not be read: ${errorText(error)}`, 'error'));
    }
  };
  days.addEventListener('change', () => void show());
  void show();
}

function rate(ok: number, refused: number): string {
  return ok + refused === 0
    ? 'no sign-in in this window'
    : `${((ok / (ok + refused)) * 100).toFixed(1)}% succeeded (${num(ok)} of ${num(ok + refused)})`;
}

function signInSections(activity: Activity): HTMLElement[] {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const { series } = activity;
  return [
    h('p', {}, `Legacy sign-ins: ${rate(sum(series.legacySignIns), sum(series.legacyRefusals))}.`),
    hourlyChart('Legacy password sign-ins', activity.hours, [
      { label: 'succeeded', tone: 'good', values: series.legacySignIns },
      { label: 'refused', tone: 'bad', values: series.legacyRefusals },
    ]),
    hourlyChart('Clerk sign-ins (each person’s first) and refusals', activity.hours, [
      { label: 'first sign-ins', tone: 'good', values: series.clerkFirstSignIns },
      { label: 'refused', tone: 'bad', values: series.clerkRefusals },
    ]),
    h('h2', {}, 'Top refusal reasons'),
    activity.refusals.length === 0
      ? h('p', {}, 'No sign-in was refused in this window.')
      : table(
          ['Sign-in', 'Reason', 'Times'],
          activity.refusals.map((row) => [row.method, reasonInWords(row.reason), num(row.count)]),
        ),
  ];
}
