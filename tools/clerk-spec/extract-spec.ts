import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { OperationFact, ParameterFact, Shape, SpecExtract } from './clerk-spec.types.js';

/**
 * `npm run clerk:spec [-- <spec.yml> <out.json>]`: reads Clerk's Backend API spec (outside the
 * repository, in `../shared/reference/clerk-openapi/`) and writes the compact extract the emulator's
 * contract test reads: for each operation the gateway uses, its parameters, its body and its answer,
 * and the schemas those reach. Never a copy of the spec.
 */
/** npm runs scripts from the package's root. */
const SOURCE_ROOT = process.cwd();
const DEFAULT_SPEC = join(SOURCE_ROOT, '..', 'shared', 'reference', 'clerk-openapi', 'bapi-2026-05-12.yml');
const DEFAULT_OUT = join(SOURCE_ROOT, 'tools', 'clerk-emulator', 'clerk-spec.extract.json');

/** The operations the gateway (and the emulator) speak, by method and path under `/v1`. */
export const OPERATIONS: [method: string, path: string][] = [
  ['GET', '/users'],
  ['GET', '/users/count'],
  ['POST', '/users'],
  ['GET', '/users/{user_id}'],
  ['PATCH', '/users/{user_id}'],
  ['DELETE', '/users/{user_id}'],
  ['PATCH', '/users/{user_id}/metadata'],
  ['GET', '/invitations'],
  ['POST', '/invitations'],
  ['POST', '/invitations/bulk'],
  ['POST', '/invitations/{invitation_id}/revoke'],
  ['GET', '/jwks'],
  ['POST', '/api_keys/verify'],
  ['POST', '/m2m_tokens/verify'],
];

type Node = Record<string, unknown>;

class Extractor {
  readonly schemas: Record<string, Shape> = {};

  constructor(private readonly spec: Node) {}

  operation(method: string, path: string): OperationFact | undefined {
    const op = (this.spec.paths as Record<string, Record<string, Node>>)[path]?.[method.toLowerCase()];
    if (!op) return undefined;
    const parameters = ((op.parameters as Node[] | undefined) ?? []).map((p) => this.resolve(p));
    const fact = (where: string): ParameterFact[] =>
      parameters
        .filter((p) => p.in === where)
        .map((p) => ({ name: String(p.name), type: typeName(this.resolve(p.schema as Node)), required: p.required === true }));
    const body = this.body(op.requestBody as Node | undefined);
    const answer = this.resolve((op.responses as Record<string, Node>)['200']);
    const schema = (answer.content as Record<string, Node> | undefined)?.['application/json']?.schema as Node | undefined;
    return {
      operationId: String(op.operationId),
      query: fact('query'),
      path: fact('path'),
      ...(body && { body }),
      response: schema ? this.shape(schema) : { any: true },
    };
  }

  private body(requestBody: Node | undefined): Shape | undefined {
    if (!requestBody) return undefined;
    const schema = (this.resolve(requestBody).content as Record<string, Node> | undefined)?.['application/json']?.schema as
      Node | undefined;
    return schema ? this.shape(schema) : undefined;
  }

  /** A `$ref` to a named schema stays a reference (extracted once); anything else is described inline. */
  shape(node: Node): Shape {
    const ref = node.$ref as string | undefined;
    if (ref?.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!(name in this.schemas)) {
        this.schemas[name] = { any: true };
        this.schemas[name] = this.inline(this.resolve(node));
      }
      const target = this.schemas[name];
      return 'type' in target && target.type === 'object' ? { type: 'object', ref: name } : target;
    }
    return this.inline(this.resolve(node));
  }

  private inline(node: Node): Shape {
    const nullable = node.nullable === true ? { nullable: true as const } : {};
    if (Array.isArray(node.allOf)) return { ...this.merge(node.allOf as Node[]), ...nullable };
    const variants = (node.oneOf ?? node.anyOf) as Node[] | undefined;
    if (Array.isArray(variants)) return { oneOf: variants.map((v) => this.shape(v)), ...nullable };
    const type = node.type as string | undefined;
    if (type === 'array') {
      const maxItems = typeof node.maxItems === 'number' ? { maxItems: node.maxItems } : {};
      return { type: 'array', items: node.items ? this.shape(node.items as Node) : { any: true }, ...maxItems, ...nullable };
    }
    if (type === 'object' || node.properties) return { ...this.object(node), ...nullable };
    if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') {
      return { type, ...(Array.isArray(node.enum) && { enum: node.enum as string[] }), ...nullable };
    }
    return { any: true };
  }

  private object(node: Node): Shape {
    const properties = (node.properties ?? {}) as Record<string, Node>;
    const fields = Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, this.shape(value)]));
    const required = (node.required as string[] | undefined) ?? [];
    return {
      type: 'object',
      ...(Object.keys(fields).length > 0 && { fields }),
      ...(required.length > 0 && { required }),
      ...(node.additionalProperties === false && { closed: true as const }),
    };
  }

  /** `allOf`: the parts' fields and required fields together (how the spec extends `Invitation` into `Invitation.Revoked`). */
  private merge(parts: Node[]): Shape {
    const fields: Record<string, Shape> = {};
    const required: string[] = [];
    for (const part of parts) {
      const shape = this.shape(part);
      const object = 'ref' in shape ? this.schemas[shape.ref] : shape;
      if (!('type' in object) || object.type !== 'object' || 'ref' in object) continue;
      Object.assign(fields, object.fields ?? {});
      required.push(...(object.required ?? []));
    }
    return { type: 'object', fields, ...(required.length > 0 && { required: [...new Set(required)] }) };
  }

  private resolve(node: Node | undefined): Node {
    let current = node ?? {};
    for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops += 1) {
      const path = current.$ref.replace(/^#\//, '').split('/');
      current = path.reduce<Node>((at, key) => at[key] as Node, this.spec);
    }
    return current;
  }
}

function typeName(schema: Node): string {
  if (schema.type === 'array') return `array<${String((schema.items as Node | undefined)?.type ?? 'any')}>`;
  return String(schema.type ?? 'any');
}

export function extractSpec(specText: string, source: string): SpecExtract {
  const extractor = new Extractor(parse(specText) as Node);
  const operations: Record<string, OperationFact> = {};
  for (const [method, path] of OPERATIONS) {
    const fact = extractor.operation(method, path);
    if (fact) operations[`${method} /v1${path}`] = fact;
  }
  const schemas = Object.fromEntries(Object.entries(extractor.schemas).sort(([a], [b]) => a.localeCompare(b)));
  return { source, operations, schemas };
}

function main(): void {
  const [specPath = DEFAULT_SPEC, outPath = DEFAULT_OUT] = process.argv.slice(2);
  const extract = extractSpec(readFileSync(specPath, 'utf8'), relative(SOURCE_ROOT, specPath));
  writeFileSync(outPath, `${JSON.stringify(extract, null, 1)}\n`);
  const count = Object.keys(extract.operations).length;
  process.stdout.write(`${count} operations, ${Object.keys(extract.schemas).length} schemas: ${relative(process.cwd(), outPath)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
