// Hourly bar charts in SVG, drawn with attributes only (the CSP allows no inline style), each with
// its figures as a table for screen readers and for reading exact values.
import { h, num, s, table, when } from './dom.js';

export interface Series {
  label: string;
  /** A class of the style sheet that colours the bars. */
  tone: string;
  values: number[];
}

const WIDTH = 720;
const HEIGHT = 160;

export function hourlyChart(title: string, hours: string[], series: Series[]): HTMLElement {
  const max = Math.max(1, ...series.flatMap((one) => one.values));
  const slot = WIDTH / Math.max(1, hours.length);
  const bar = Math.max(1, slot / series.length - 0.5);
  const bars = series.flatMap((one, which) =>
    one.values.map((value, index) =>
      value === 0
        ? null
        : s('rect', {
            class: one.tone,
            x: (index * slot + which * bar).toFixed(1),
            y: (HEIGHT - (value / max) * HEIGHT).toFixed(1),
            width: bar.toFixed(1),
            height: ((value / max) * HEIGHT).toFixed(1),
          }),
    ),
  );
  const totals = series.map((one) => `${one.label}: ${num(one.values.reduce((a, b) => a + b, 0))}`).join(', ');
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT + 1}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': `${title}, per hour since ${when(hours[0])}. ${totals}`,
    },
    s('line', { class: 'axis', x1: 0, y1: HEIGHT + 0.5, x2: WIDTH, y2: HEIGHT + 0.5 }),
    ...bars,
  );
  const legend = h(
    'p',
    { class: 'legend' },
    ...series.map((one) => h('span', { class: `key ${one.tone}` }, one.label)),
    ` · highest hour ${num(max)}`,
  );
  const busy = hours
    .map((hour, index) => ({ hour, values: series.map((one) => one.values[index]) }))
    .filter((row) => row.values.some((v) => v > 0));
  const details = h(
    'details',
    {},
    h('summary', {}, 'The figures per hour'),
    busy.length === 0
      ? h('p', {}, 'Nothing in this window.')
      : table(
          ['Hour', ...series.map((one) => one.label)],
          busy.map((row) => [when(row.hour), ...row.values.map(num)]),
        ),
  );
  return h('figure', { class: 'chart' }, h('figcaption', {}, title), svg, legend, details);
}
