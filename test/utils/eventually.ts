export interface EventuallyOptions {
  /** How long to keep reading: 15 s unless given. */
  timeoutMs?: number;
  /** The pause between reads: 25 ms unless given (longer where a read is dear: a process, a fetch). */
  intervalMs?: number;
  /**
   * What is awaited, for a wait that no assertion follows: given, a time-out throws `timed out after
   * <timeoutMs> ms waiting for <what>` with the last value read, instead of handing that value back.
   */
  what?: string;
}

/**
 * Reads until `done` holds or the time-out passes, then hands back the last value read, so that the
 * test's own assertion on it says what was wrong: bounded polling for work that settles behind an
 * answer (a worker, a sender, a webhook, another process). The one polling loop of the tests.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: number | EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 25, what } = typeof options === 'number' ? { timeoutMs: options } : options;
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  if (what !== undefined && !done(value))
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last read: ${shown(value)})`);
  return value;
}

/** `eventually` for a yes-or-no check: resolves once `check` holds, throws naming `what` if it never does. */
export async function waitFor(what: string, check: () => Promise<boolean>, options: Omit<EventuallyOptions, 'what'> = {}): Promise<void> {
  await eventually(check, (holds) => holds, { ...options, what });
}

function shown(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
