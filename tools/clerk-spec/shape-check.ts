import type { Shape } from './clerk-spec.types.js';

/**
 * What is wrong with `value` as an instance of `shape`, one line each, by JSON path: a field the
 * schema does not have, a wrong JSON type, a value outside an enum, a required field missing.
 */
export function shapeProblems(shape: Shape, value: unknown, schemas: Record<string, Shape>, path = '$'): string[] {
  if ('any' in shape) return [];
  if (value === null) return shape.nullable ? [] : [`${path}: null, not nullable`];
  if ('oneOf' in shape) {
    const fits = shape.oneOf.some((variant) => shapeProblems(variant, value, schemas, path).length === 0);
    return fits ? [] : [`${path}: matches none of ${shape.oneOf.length} variants`];
  }
  if (shape.type === 'object' && 'ref' in shape)
    return shapeProblems(schemas[shape.ref] ?? { any: true }, value, schemas, `${path}<${shape.ref}>`);
  switch (shape.type) {
    case 'object':
      return objectProblems(shape, value, schemas, path);
    case 'array':
      if (!Array.isArray(value)) return [`${path}: ${jsonType(value)}, not array`];
      return value.flatMap((item, index) => shapeProblems(shape.items, item, schemas, `${path}[${index}]`));
    default:
      return primitiveProblems(shape, value, path);
  }
}

function objectProblems(
  shape: { fields?: Record<string, Shape>; required?: string[] },
  value: unknown,
  schemas: Record<string, Shape>,
  path: string,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: ${jsonType(value)}, not object`];
  const record = value as Record<string, unknown>;
  const problems = (shape.required ?? []).filter((name) => !(name in record)).map((name) => `${path}.${name}: required, missing`);
  if (shape.fields === undefined) return problems;
  for (const [name, field] of Object.entries(record)) {
    const documented = shape.fields[name];
    if (documented === undefined) problems.push(`${path}.${name}: not in the schema`);
    else problems.push(...shapeProblems(documented, field, schemas, `${path}.${name}`));
  }
  return problems;
}

function primitiveProblems(shape: { type: string; enum?: unknown[] }, value: unknown, path: string): string[] {
  const fits =
    shape.type === 'integer' ? Number.isInteger(value) : shape.type === 'number' ? typeof value === 'number' : typeof value === shape.type;
  if (!fits) return [`${path}: ${jsonType(value)}, not ${shape.type}`];
  if (shape.enum && !shape.enum.includes(value)) return [`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(shape.enum)}`];
  return [];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The names a body documents: an object's fields, or an array's items' fields. */
export function bodyFieldNames(shape: Shape | undefined, schemas: Record<string, Shape>): string[] | undefined {
  if (shape === undefined || 'any' in shape || 'oneOf' in shape) return undefined;
  if (shape.type === 'array') return bodyFieldNames(shape.items, schemas);
  if (shape.type !== 'object') return undefined;
  if ('ref' in shape) return bodyFieldNames(schemas[shape.ref], schemas);
  return Object.keys(shape.fields ?? {});
}
