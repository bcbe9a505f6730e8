import { describe, expect, it } from '@jest/globals';
import { BoundedSemaphore, OverloadedError, Semaphore } from './semaphore.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('lets at most `limit` tasks run at once, in arrival order, and every task finishes', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        semaphore.run(async () => {
          started.push(i);
          running += 1;
          peak = Math.max(peak, running);
          await tick();
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('frees the slot when a task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('BoundedSemaphore', () => {
  it('refuses at once, with a 503 that says when to retry, whoever comes when `maxPending` are running or waiting', async () => {
    const semaphore = new BoundedSemaphore(1, 3);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const admitted = [semaphore.run(() => gate), semaphore.run(() => gate), semaphore.run(() => gate)];
    expect(() => semaphore.assertRoom()).toThrow(OverloadedError);
    const refused = semaphore.run(async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(OverloadedError);
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'overloaded', retryAfterSeconds: 1 });
    release();
    await Promise.all(admitted);
    // The control: once the line has drained, work is admitted again.
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });

  it('gives the place back when the work fails', async () => {
    const semaphore = new BoundedSemaphore(1, 1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });
});
