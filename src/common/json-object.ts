/**
 * What a jsonb column holds. `any`, not `unknown`, on purpose: TypeORM's insert and update typing
 * rejects `unknown` values. The shapes are checked where they are written.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;
