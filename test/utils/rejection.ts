/**
 * What `promise` rejected with, once `is` recognises it (an `instanceof`, or a library's own guard
 * such as `isClerkAPIResponseError`): for a test that asserts on several fields of one error. Fails,
 * naming `what` was expected, if the promise resolved or rejected with something else.
 */
export async function rejectionOf<E>(promise: Promise<unknown>, is: (error: unknown) => error is E, what: string): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!is(error)) throw new Error(`expected a ${what}, got ${String(error)}`);
  return error;
}
