/**
 * The compact form of Clerk's Backend API spec kept in the repository (`clerk-spec.extract.json`):
 * just what the contract test checks the emulator against.
 */

/** A JSON value's shape: a primitive, a named schema, an inline object, an array, or one of several. */
export type Shape =
  | { type: 'string' | 'integer' | 'number' | 'boolean'; nullable?: true; enum?: (string | number | boolean)[] }
  | { type: 'object'; nullable?: true; ref: string }
  | { type: 'object'; nullable?: true; fields?: Record<string, Shape>; required?: string[]; closed?: true }
  | { type: 'array'; nullable?: true; items: Shape; maxItems?: number }
  | { oneOf: Shape[]; nullable?: true }
  | { any: true };

export interface ParameterFact {
  name: string;
  type: string;
  required: boolean;
}

export interface OperationFact {
  operationId: string;
  /** Query and path parameters. */
  query: ParameterFact[];
  path: ParameterFact[];
  /** The JSON body, when the operation takes one. */
  body?: Shape;
  /** The 200 answer. */
  response: Shape;
}

export interface SpecExtract {
  source: string;
  /** `"GET /v1/users"`, as the emulator names its routes. */
  operations: Record<string, OperationFact>;
  /** Named schemas the operations reach: the object form of `Shape`. */
  schemas: Record<string, Shape>;
}
