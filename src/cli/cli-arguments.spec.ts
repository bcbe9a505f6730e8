import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LONG_OPTIONS, optionsKeptByNpm, parseChoice, parseWholeNumber } from './cli-arguments.js';
import { CliUsageError } from './cli-usage.error.js';

describe('parseWholeNumber', () => {
  it('takes whole numbers within its bounds, both included', () => {
    expect(parseWholeNumber('--offset', '0', 0, 10)).toBe(0);
    expect(parseWholeNumber('--limit', '10', 1, 10)).toBe(10);
    expect(parseWholeNumber('--limit', ' 7 ', 1, 10)).toBe(7);
  });

  it.each(['0', '11', '-1', '1.5', 'ten', '', '1e1'])('refuses "%s" for 1 to 10, naming the option and the value', (raw) => {
    expect(() => parseWholeNumber('--limit', raw, 1, 10)).toThrow(CliUsageError);
    expect(() => parseWholeNumber('--limit', raw, 1, 10)).toThrow(`--limit must be a whole number from 1 to 10, got "${raw}"`);
  });
});

describe('parseChoice', () => {
  const formats = ['csv', 'jsonl'] as const;

  it('takes one of the choices as it is', () => {
    expect(parseChoice('--format', 'jsonl', formats)).toBe('jsonl');
  });

  it.each(['CSV', ' csv', 'xml'])('refuses "%s", listing the choices', (raw) => {
    expect(() => parseChoice('--format', raw, formats)).toThrow(`--format must be one of csv, jsonl, got "${raw}"`);
  });
});

describe('optionsKeptByNpm', () => {
  const npmRunCli = { npm_lifecycle_event: 'cli', npm_config_yes: '' };

  it('names the options npm kept as its own settings when `--` was left out', () => {
    // `npm run cli migrate --dry-run --limit 5`: npm passes `migrate 5` and keeps the rest.
    const env = { ...npmRunCli, npm_config_dry_run: 'true', npm_config_limit: 'true' };
    expect(optionsKeptByNpm(env, ['migrate', '5'])).toEqual(['--dry-run', '--limit']);
  });

  it('says nothing when the options reached the command, or outside `npm run cli`', () => {
    expect(optionsKeptByNpm(npmRunCli, ['migrate', '--dry-run'])).toEqual([]);
    expect(optionsKeptByNpm({ ...npmRunCli, npm_config_json: 'true' }, ['stats', '--json'])).toEqual([]);
    expect(optionsKeptByNpm({ npm_lifecycle_event: 'test', npm_config_dry_run: 'true' }, ['migrate'])).toEqual([]);
    expect(optionsKeptByNpm({ npm_config_dry_run: 'true' }, ['migrate'])).toEqual([]);
  });

  it('takes settings from .npmrc or the environment for what they are, not for kept options', () => {
    // `email=me@example.com` left by `npm adduser`; `yes=true` set for npx in CI.
    expect(optionsKeptByNpm({ ...npmRunCli, npm_config_email: 'me@example.com', npm_config_yes: 'true' }, ['stats'])).toEqual([]);
  });

  it('knows every long option of every command', () => {
    const dir = join(process.cwd(), 'src/cli');
    const flags = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.command.ts'))) {
      for (const [, name] of readFileSync(join(dir, file), 'utf8').matchAll(/flags: '--([a-z-]+)/g)) flags.add(name);
    }
    expect([...LONG_OPTIONS].sort()).toEqual([...flags].sort());
  });
});
