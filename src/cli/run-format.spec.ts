import { describe, expect, it } from '@jest/globals';
import type { MigrationRunView } from '../migration/migration-run.view.js';
import { renderRun } from './run-format.js';

function run(overrides: Partial<MigrationRunView>): MigrationRunView {
  return {
    id: '0b5f2c1e-8a4d-4f3b-9c1a-2d7e6f8a9b0c',
    kind: 'all',
    strategy: 'password',
    dryRun: false,
    startedBy: 'cli',
    startedByEmail: null,
    status: 'completed',
    counts: { total: 35, created: 35 },
    options: {},
    warnings: [],
    errorCode: null,
    errorMessage: null,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:00:05.000Z',
    clerk: { requests: 0, rateLimited: 0, retries: 0, requestsPerSecond: null, budgetPerSecond: null },
    ...overrides,
  };
}

describe('renderRun', () => {
  it('says what the run asked of Clerk, against the shared budget, and leaves the line out for a run that counted nothing', () => {
    const clerk = { requests: 1234, rateLimited: 3, retries: 4, requestsPerSecond: 7.9, budgetPerSecond: 8 };
    expect(renderRun(run({ clerk }))).toMatch(/clerk requests +1234 \(7\.9\/s of the shared 8\/s\), 3 answered 429, 4 retries/);
    expect(renderRun(run({}))).not.toContain('clerk requests');
  });

  it('says that an interrupted run’s failures include the users it never reached, and who takes them', () => {
    const text = renderRun(
      run({ status: 'interrupted', counts: { total: 35, created: 25, failed: 10 }, errorCode: 'interrupted', errorMessage: 'stopped' }),
    );
    expect(text).toContain('total 35, created 25, failed 10');
    expect(text).toMatch(/note +failed includes the users planned but not reached before the stop .*the next migrate takes them/);
  });

  it('adds no such note to a run that was not interrupted, or lost nobody', () => {
    expect(renderRun(run({ status: 'completed_with_errors', counts: { total: 35, created: 34, failed: 1 } }))).not.toContain('note');
    expect(renderRun(run({ status: 'interrupted', counts: { total: 35, created: 35 } }))).not.toContain('note');
  });

  it('names whoever started it by email beside the stored actor, and the CLI as cli', () => {
    const byAdmin = run({ startedBy: '7d4f8a2e-0000-4000-8000-000000000000', startedByEmail: 'ops@example.com' });
    expect(renderRun(byAdmin)).toMatch(/^started by +ops@example\.com \(7d4f8a2e-0000-4000-8000-000000000000\)$/m);
    expect(renderRun(run({}))).toMatch(/^started by +cli$/m);
  });

  it('lists the dependent tables by name, whatever order the stored counts come in', () => {
    const dependentRows = {
      before: { quotas: 1, prompts: 2, audit_logs: 3, chat_sessions: 4 },
      after: { quotas: 1, prompts: 2, audit_logs: 3, chat_sessions: 4 },
    };
    const lines = renderRun(run({ counts: { total: 1, created: 1, dependentRows } })).split('\n');
    const tables = lines.map((line) => line.split(/\s+/)[0]).filter((name) => name in dependentRows.before);
    expect(tables).toEqual(['audit_logs', 'chat_sessions', 'prompts', 'quotas']);
  });
});
