/**
 * Feeds items from `source` to `worker`, at most `concurrency` at a time, pulling the next item
 * only when a slot frees up, so memory holds one batch ahead at most. The first error thrown by a
 * worker stops the pulling; the workers already running finish, then that error is rethrown.
 */
export async function runPool<T>(source: AsyncIterable<T>, concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const item of source) {
    if (failure) break;
    const task: Promise<void> = worker(item)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}
