/**
 * Reads until `done` holds or `timeoutMs` passes, then hands back the last value read, so that the
 * test's own assertion on it says what was wrong: bounded polling for work that settles behind an
 * answer (a worker, a sender, a webhook).
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}
