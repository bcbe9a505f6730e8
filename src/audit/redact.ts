import type { JsonObject } from '../common/json-object.js';

const SECRET_KEY = /pass(word)?|hash|digest|token|secret|authorization|cookie|jwt|api[-_]?key/i;

/**
 * A copy of `details` without any field whose name suggests a secret, at any depth. The callers
 * never put secrets in, so this is the second line of defence, not the first.
 */
export function redactSecrets(details: Record<string, unknown>): JsonObject {
  return Object.fromEntries(
    Object.entries(details)
      .filter(([key]) => !SECRET_KEY.test(key))
      .map(([key, value]) => [key, redactValue(value)]),
  );
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return redactSecrets(value as Record<string, unknown>) as unknown;
  }
  return value;
}
