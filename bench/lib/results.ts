import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, type MachineInfo } from './machine.js';

/** One reported number, with the target when it has one. */
export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
  /** Human-readable target, e.g. `≥ 0.95`. */
  target?: string;
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  figures: Figure[];
  /** Why a target was missed and what would close it, or what the figures mean. */
  notes: string[];
  /** Raw measurements for whoever wants more than the table. */
  details: Record<string, unknown>;
}

/** `dist-tools/bench/lib` at run time; results go to the source tree's `bench/results`, where they are committed. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');

/** Prints the figures and writes `<name>.json` and `<name>.md` to `bench/results/`. */
export async function publish(result: BenchResult): Promise<void> {
  const machine = machineInfo();
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify({ ...result, machine }, null, 2)}\n`);
  const markdown = toMarkdown(result, machine);
  await writeFile(join(RESULTS_DIR, `${result.name}.md`), markdown);
  console.log(`\n${markdown}`);
}

function toMarkdown(result: BenchResult, machine: MachineInfo): string {
  const rows = result.figures.map(
    (f) => `| ${f.name} | ${formatValue(f)} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'yes' : '**no**'} |`,
  );
  return [
    `# ${result.title}`,
    '',
    `${machine.date} · ${machine.cpu} · ${machine.cores} cores · ${machine.ramGiB} GiB RAM · Node ${machine.node}`,
    '',
    '| figure | value | target | met |',
    '|---|---|---|---|',
    ...rows,
    '',
    ...result.notes.map((note) => `- ${note}`),
    `- ${machine.note}`,
    '',
  ].join('\n');
}

function formatValue(figure: Figure): string {
  const value = typeof figure.value === 'number' ? String(round(figure.value)) : figure.value;
  return figure.unit ? `${value} ${figure.unit}` : value;
}

/** Three significant decimals at most: enough for ratios, no false precision for rates. */
export function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value * 10) / 10 : Math.round(value * 1000) / 1000;
}
