/**
 * Yields what `source` yields, asking it for the next value as soon as the current one is handed
 * out, so that producing the next value (a batch's Clerk look-up and inserts) overlaps with
 * consuming this one instead of leaving the consumer idle in between. One value ahead at most.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = step(iterator);
  let finished = false;
  try {
    for (;;) {
      const result = await pending;
      if (result.done) {
        finished = true;
        return;
      }
      pending = step(iterator);
      yield result.value;
    }
  } finally {
    if (!finished) {
      // The consumer stopped early: let the step under way end, then close the source.
      await pending.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

/** The next step, marked as handled: it may fail while the consumer is still busy with the last value. */
function step<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
  const next = iterator.next();
  next.catch(() => undefined);
  return next;
}
