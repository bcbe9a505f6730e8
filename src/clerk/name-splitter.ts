/** Clerk refuses first and last names over 256 characters (`form_param_max_length_exceeded`). */
export const CLERK_MAX_NAME_LENGTH = 256;

export interface SplitName {
  firstName: string | null;
  lastName: string | null;
}

function clip(value: string): string | null {
  const chars = [...value];
  const clipped = chars.length > CLERK_MAX_NAME_LENGTH ? chars.slice(0, CLERK_MAX_NAME_LENGTH).join('').trimEnd() : value;
  return clipped === '' ? null : clipped;
}

/**
 * Splits the legacy single `name` into Clerk's first and last name. The rule: collapse whitespace;
 * the first word is the first name and the rest is the last name ("Anna Maria de la Cruz" →
 * "Anna" / "Maria de la Cruz"), so nothing is dropped; one word is a first name only; empty is
 * neither. Each part is clipped to Clerk's 256 characters (by code point, never splitting a
 * surrogate pair). The full name stays in our database, so clipping loses nothing for us.
 */
export function splitName(name: string | null | undefined): SplitName {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { firstName: null, lastName: null };
  return { firstName: clip(words[0]), lastName: words.length > 1 ? clip(words.slice(1).join(' ')) : null };
}
