import type { RunItemView } from '../migration/run-reports.js';

export const ITEM_FORMATS = ['csv', 'jsonl'] as const;
export type ItemFormat = (typeof ITEM_FORMATS)[number];

/** The columns of `runs <id> --items`, in order: the same names in CSV and JSONL. */
const COLUMNS: [string, (item: RunItemView) => string | number | boolean | null][] = [
  ['user_id', (i) => i.userId],
  ['email', (i) => i.email],
  ['action', (i) => i.action],
  ['outcome', (i) => i.outcome],
  ['reason', (i) => i.reason],
  ['message', (i) => i.message],
  ['clerk_user_id', (i) => i.clerkUserId],
  ['created_in_clerk', (i) => i.createdInClerk],
  ['invitation_status', (i) => i.invitationStatus],
  ['attempts', (i) => i.attempts],
  ['updated_at', (i) => i.updatedAt],
  ['rolled_back_at', (i) => i.rolledBackAt],
];

/** The lines of a run's item report, header first for CSV; each ends with a newline. */
export async function* itemLines(items: AsyncIterable<RunItemView>, format: ItemFormat): AsyncGenerator<string> {
  if (format === 'csv') yield `${COLUMNS.map(([name]) => name).join(',')}\r\n`;
  for await (const item of items) yield format === 'csv' ? csvLine(item) : jsonLine(item);
}

function jsonLine(item: RunItemView): string {
  return `${JSON.stringify(Object.fromEntries(COLUMNS.map(([name, read]) => [name, read(item)])))}\n`;
}

/** RFC 4180: CRLF line ends, a field quoted when it holds a comma, a quote or a line break. */
function csvLine(item: RunItemView): string {
  return `${COLUMNS.map(([, read]) => csvField(read(item))).join(',')}\r\n`;
}

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  // A cell that starts like a formula is run by spreadsheets (CSV injection): a leading quote keeps it text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
