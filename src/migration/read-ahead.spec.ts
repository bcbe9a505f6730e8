import { describe, expect, it } from '@jest/globals';
import { readAhead } from './read-ahead.js';

/** A source that logs when each value is produced and when it closes. */
function source(values: number[], log: string[], failAt?: number) {
  return (async function* () {
    try {
      for (const value of values) {
        if (value === failAt) throw new Error(`failed at ${value}`);
        log.push(`produce ${value}`);
        yield value;
      }
    } finally {
      log.push('closed');
    }
  })();
}

describe('readAhead', () => {
  it('yields every value in order', async () => {
    const seen: number[] = [];
    for await (const value of readAhead(source([1, 2, 3], []))) seen.push(value);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('produces the next value while the consumer works on the current one', async () => {
    const log: string[] = [];
    for await (const value of readAhead(source([1, 2, 3], log))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`consume ${value}`);
    }
    expect(log).toEqual(['produce 1', 'produce 2', 'consume 1', 'produce 3', 'consume 2', 'closed', 'consume 3']);
  });

  it('closes the source when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const value of readAhead(source([1, 2, 3, 4], log))) if (value === 2) break;
    expect(log).toEqual(['produce 1', 'produce 2', 'produce 3', 'closed']);
  });

  it('passes on a failure of the source when the consumer reaches it, not before', async () => {
    const seen: number[] = [];
    const consume = async () => {
      for await (const value of readAhead(source([1, 2, 3], [], 2))) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(value);
      }
    };
    await expect(consume()).rejects.toThrow('failed at 2');
    expect(seen).toEqual([1]);
  });
});
