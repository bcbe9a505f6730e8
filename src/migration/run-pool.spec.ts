import { describe, expect, it } from '@jest/globals';
import { runPool } from './run-pool.js';

async function* numbers(count: number, pulled: number[]) {
  for (let i = 0; i < count; i += 1) {
    pulled.push(i);
    yield i;
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runPool', () => {
  it('never runs more than the given number of workers at once, and runs every item', async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool(numbers(50, []), 4, async (n) => {
      active += 1;
      peak = Math.max(peak, active);
      await tick();
      done.push(n);
      active -= 1;
    });
    expect(peak).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('stops pulling after a worker fails, lets the running ones finish, and rethrows', async () => {
    const pulled: number[] = [];
    const finished: number[] = [];
    const run = runPool(numbers(100, pulled), 3, async (n) => {
      await tick();
      if (n === 5) throw new Error('bad key');
      finished.push(n);
    });
    await expect(run).rejects.toThrow('bad key');
    expect(pulled.length).toBeLessThan(12);
    expect(finished).not.toContain(5);
  });
});
