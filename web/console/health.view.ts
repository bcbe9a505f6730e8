// Clerk's health as this instance sees it (its /metrics), and the service's readiness.
import { errorText } from './api.js';
import { figures, h, num, replace, status, table } from './dom.js';
import { poll } from './live.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format, the lines the page reads (`name{a="b"} 1`). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const P = 'clerk_migrate_';

export function healthView(root: HTMLElement): () => void {
  const ready = h(
    'section',
    { 'aria-labelledby': 'ready-h' },
    h('h2', { id: 'ready-h' }, 'Service readiness'),
    status('Asking /health/ready…'),
  );
  const clerk = h(
    'section',
    { 'aria-labelledby': 'clerk-h' },
    h('h2', { id: 'clerk-h' }, 'Clerk, as this instance sees it'),
    status('Reading /metrics…'),
  );
  replace(root, h('h1', {}, 'Health'), ready, clerk);
  return poll(async () => {
    await Promise.all([showReadiness(ready), showClerk(clerk)]);
    return true;
  }, 5000);
}

async function showReadiness(section: HTMLElement): Promise<void> {
  const heading = section.firstElementChild!;
  try {
    const response = await fetch('/health/ready', { headers: { Accept: 'application/json' } });
    const body = (await response.json()) as {
      status?: string;
      info?: Record<string, { status: string }>;
      error?: Record<string, { status: string; message?: string }>;
    };
    const checks = Object.entries({ ...(body.info ?? {}), ...(body.error ?? {}) }) as [string, { status: string; message?: string }][];
    replace(
      section,
      heading,
      status(
        response.ok ? 'Ready: the database answers and every schema migration is applied.' : `Not ready (${response.status}).`,
        response.ok ? 'ok' : 'error',
      ),
      table(
        ['Check', 'Status', 'Detail'],
        checks.map(([name, check]) => [name, check.status, check.message ?? '']),
      ),
    );
  } catch (error) {
    replace(section, heading, status(`The service did not answer: ${errorText(error)}`, 'error'));
  }
}

async function showClerk(section: HTMLElement): Promise<void> {
  const heading = section.firstElementChild!;
  try {
    const response = await fetch('/metrics');
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    replace(section, heading, ...clerkFigures(parseMetrics(await response.text())));
  } catch (error) {
    replace(section, heading, status(`The metrics could not be read: ${errorText(error)}`, 'error'));
  }
}

function clerkFigures(samples: Sample[]): HTMLElement[] {
  const of = (name: string) => samples.filter((sample) => sample.name === P + name);
  const total = (name: string) => of(name).reduce((sum, sample) => sum + sample.value, 0);
  const requests = of('clerk_requests_total');
  const byStatus = new Map<string, number>();
  for (const sample of requests) byStatus.set(sample.labels.status, (byStatus.get(sample.labels.status) ?? 0) + sample.value);
  const count = total('clerk_request_duration_seconds_count');
  const mean = count > 0 ? (total('clerk_request_duration_seconds_sum') / count) * 1000 : undefined;
  const errors = [...byStatus].filter(([kind]) => kind !== 'ok');
  return [
    h('p', {}, 'Counted by this instance since it started; other instances keep their own.'),
    figures(
      [
        ['Requests to Clerk', num(total('clerk_requests_total'))],
        ['Answered ok', num(byStatus.get('ok') ?? 0)],
        ['Refused with 429', num(total('clerk_rate_limited_total'))],
        ['Mean latency', mean === undefined ? 'no request yet' : `${num(Math.round(mean))} ms`],
        ['95th percentile', percentile(of('clerk_request_duration_seconds_bucket'), 0.95)],
      ],
      'Clerk requests',
    ),
    errors.length === 0
      ? h('p', {}, 'No failed Clerk request.')
      : table(
          ['Error kind', 'Requests'],
          errors.map(([kind, n]) => [kind, num(n)]),
          'Clerk errors by kind',
        ),
  ];
}

/** The bucket bound under which `share` of the requests fell, all operations together. */
function percentile(buckets: Sample[], share: number): string {
  const byBound = new Map<number, number>();
  for (const bucket of buckets) {
    const bound = bucket.labels.le === '+Inf' ? Infinity : Number(bucket.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + bucket.value);
  }
  const bounds = [...byBound].sort((a, b) => a[0] - b[0]);
  const all = bounds.at(-1)?.[1] ?? 0;
  if (all === 0) return 'no request yet';
  const found = bounds.find(([, cumulative]) => cumulative >= all * share)!;
  return found[0] === Infinity ? 'over 30 s' : `under ${num(found[0] * 1000)} ms`;
}
