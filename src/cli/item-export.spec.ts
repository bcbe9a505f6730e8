import { describe, expect, it } from '@jest/globals';
import type { RunItemView } from '../migration/run-reports.js';
import { csvField, itemLines } from './item-export.js';

const item: RunItemView = {
  userId: '0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c',
  email: 'ada@example.com',
  action: 'create',
  outcome: 'failed',
  reason: 'form_param_format_invalid',
  message: 'Clerk said: "no", twice,\nthen stopped',
  clerkUserId: null,
  createdInClerk: false,
  invitationStatus: null,
  attempts: 2,
  updatedAt: '2026-12-01T10:00:00.000Z',
  rolledBackAt: null,
};

async function lines(format: 'csv' | 'jsonl'): Promise<string[]> {
  const out: string[] = [];
  for await (const line of itemLines(
    (async function* () {
      yield item;
    })(),
    format,
  ))
    out.push(line);
  return out;
}

describe('item export', () => {
  it('writes CSV with a header, quoting what needs it', async () => {
    expect(await lines('csv')).toEqual([
      'user_id,email,action,outcome,reason,message,clerk_user_id,created_in_clerk,invitation_status,attempts,updated_at,rolled_back_at\r\n',
      '0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c,ada@example.com,create,failed,form_param_format_invalid,' +
        '"Clerk said: ""no"", twice,\nthen stopped",,false,,2,2026-12-01T10:00:00.000Z,\r\n',
    ]);
  });

  it('keeps a formula-like cell as text', () => {
    expect(csvField('=HYPERLINK("x")@evil.test')).toBe(`"'=HYPERLINK(""x"")@evil.test"`);
    expect(csvField('+1@example.com')).toBe(`'+1@example.com`);
    expect(csvField(3)).toBe('3');
  });

  it('writes one JSON object per line with the same names', async () => {
    const [line] = await lines('jsonl');
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      user_id: item.userId,
      email: item.email,
      action: 'create',
      outcome: 'failed',
      reason: 'form_param_format_invalid',
      message: item.message,
      clerk_user_id: null,
      created_in_clerk: false,
      invitation_status: null,
      attempts: 2,
      updated_at: item.updatedAt,
      rolled_back_at: null,
    });
  });
});
