import { describe, expect, it } from '@jest/globals';
import type { Shape } from './clerk-spec.types.js';
import { shapeProblems } from './shape-check.js';

const schemas: Record<string, Shape> = {
  Thing: {
    type: 'object',
    fields: { id: { type: 'string' }, count: { type: 'integer', nullable: true }, kind: { type: 'string', enum: ['a', 'b'] } },
    required: ['id', 'kind'],
  },
};

describe('shapeProblems', () => {
  it('accepts a value of the shape', () => {
    expect(
      shapeProblems({ type: 'array', items: { type: 'object', ref: 'Thing' } }, [{ id: 'x', kind: 'a', count: null }], schemas),
    ).toEqual([]);
  });

  it('names undocumented fields, wrong types, values outside an enum and missing required fields', () => {
    expect(shapeProblems({ type: 'object', ref: 'Thing' }, { id: 1, count: 1.5, kind: 'c', extra: true }, schemas)).toEqual([
      '$<Thing>.id: number, not string',
      '$<Thing>.count: number, not integer',
      '$<Thing>.kind: "c" not in ["a","b"]',
      '$<Thing>.extra: not in the schema',
    ]);
    expect(shapeProblems({ type: 'object', ref: 'Thing' }, { id: 'x' }, schemas)).toEqual(['$<Thing>.kind: required, missing']);
  });

  it('takes a value matching any variant of a oneOf, and null only where nullable', () => {
    const either: Shape = { oneOf: [{ type: 'string' }, { type: 'boolean' }] };
    expect(shapeProblems(either, true, schemas)).toEqual([]);
    expect(shapeProblems(either, 3, schemas)).toEqual(['$: matches none of 2 variants']);
    expect(shapeProblems({ type: 'string' }, null, schemas)).toEqual(['$: null, not nullable']);
  });
});
