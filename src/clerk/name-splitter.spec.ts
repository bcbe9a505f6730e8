import { describe, expect, it } from '@jest/globals';
import { CLERK_MAX_NAME_LENGTH, splitName } from './name-splitter.js';

describe('splitName', () => {
  it.each([
    ['Ada Lovelace', 'Ada', 'Lovelace'],
    ['  Anna   Maria de la Cruz ', 'Anna', 'Maria de la Cruz'],
    ['Cher', 'Cher', null],
    ['', null, null],
    ['   ', null, null],
    [null, null, null],
  ])('%j → %j / %j', (name, first, last) => {
    expect(splitName(name)).toEqual({ firstName: first, lastName: last });
  });

  it("clips each part to Clerk's limit without splitting a character", () => {
    const long = '😀'.repeat(CLERK_MAX_NAME_LENGTH + 10);
    const { firstName, lastName } = splitName(`${long} ${'b'.repeat(300)}`);
    expect([...firstName!]).toHaveLength(CLERK_MAX_NAME_LENGTH);
    expect(firstName!.startsWith('😀')).toBe(true);
    expect(lastName).toHaveLength(CLERK_MAX_NAME_LENGTH);
  });
});
