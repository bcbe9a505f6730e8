import { describe, expect, it } from '@jest/globals';
import { parseChoice, parseWholeNumber } from './cli-arguments.js';
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
