import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PasswordFormats, type PasswordSettings } from '../../../src/passwords/password-formats.js';
import {
  CONFIGURED_VECTORS,
  MORE_VECTORS,
  PASSWORD_VECTORS,
  PHPBB_VECTOR,
  UNSUPPORTED_HASHES,
  VECTOR_SETTINGS,
} from '../../factories/password-vectors.js';
import { createTestDatabase, type TestDatabase } from '../../utils/test-database.js';

/**
 * Every known hash, and near misses of each: one character short or long, a character outside the
 * alphabet (ASCII, and a two-byte one that keeps the length in characters but not in bytes), the case
 * turned, the first character changed, only the literal prefix. Near misses are where a cheap SQL test
 * (a prefix, a length, a pattern without bounded repetition) could part from the shape.
 */
function corpus(): (string | null)[] {
  const known = [
    ...PASSWORD_VECTORS.map((v) => v.hash),
    ...MORE_VECTORS.map((v) => v.hash),
    ...CONFIGURED_VECTORS.map((v) => v.hash),
    PHPBB_VECTOR.hash,
    ...UNSUPPORTED_HASHES.map((u) => u.hash),
  ];
  const nearMisses = known.flatMap((hash) => {
    const middle = Math.floor(hash.length / 2);
    const at = (position: number, char: string) => hash.slice(0, position) + char + hash.slice(position + 1);
    return [
      hash.slice(0, -1),
      `${hash}a`,
      `${hash}=`,
      `${hash}$`,
      at(middle, '!'),
      at(middle, 'é'),
      at(hash.length - 1, 'é'),
      `${hash.slice(0, -2)}é`,
      hash.toUpperCase(),
      hash.toLowerCase(),
      at(0, 'x'),
      at(4, '0'),
      at(5, 'Z'),
      hash.slice(0, 7),
      ` ${hash}`,
      `${hash}\n`,
    ];
  });
  return [...known, ...nearMisses, null, '', '$', '$2b$', 'é'.repeat(32), 'a'.repeat(64), 'g'.repeat(32)];
}

describe('the count by password format in SQL names every hash as src/passwords does', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterAll(async () => db.drop());

  const disagreements = async (settings: PasswordSettings) => {
    const formats = new PasswordFormats(settings);
    const { expression, parameters } = formats.sql('t.hash', 2);
    const hashes = corpus();
    const { rows } = await db.pool.query<{ i: number; label: string }>(
      `SELECT t.i::int AS i, ${expression} AS label FROM unnest($1::text[]) WITH ORDINALITY AS t(hash, i)`,
      [hashes, ...parameters],
    );
    expect(rows).toHaveLength(hashes.length);
    return rows
      .map((row) => ({ hash: hashes[row.i - 1], sql: row.label, typescript: formats.label(hashes[row.i - 1]) }))
      .filter((row) => row.sql !== row.typescript);
  };

  it('agrees on every hash and near miss, with no format configured', async () => {
    await expect(disagreements({})).resolves.toEqual([]);
  });

  it('agrees with a pepper and Firebase’s parameters configured', async () => {
    await expect(disagreements(VECTOR_SETTINGS)).resolves.toEqual([]);
  });

  it('fails when the two part: a SQL shape that accepts one character more is caught', async () => {
    const formats = new PasswordFormats();
    const bcrypt = formats.all.find((format) => format.name === 'bcrypt')!;
    const loose = { ...bcrypt, sqlShape: { octetLength: 61, pattern: bcrypt.sqlShape!.pattern } };
    Object.assign(formats, { all: formats.all.map((format) => (format === bcrypt ? loose : format)) });
    const { expression, parameters } = formats.sql('t.hash', 2);
    const hash = `${PASSWORD_VECTORS[0].hash}a`;
    const { rows } = await db.pool.query(`SELECT ${expression} AS label FROM unnest($1::text[]) AS t(hash)`, [[hash], ...parameters]);
    expect({ sql: rows[0].label, typescript: formats.label(hash) }).toEqual({ sql: 'bcrypt', typescript: 'unsupported' });
  });
});
