/**
 * SQL for a fingerprint of what decides whether a user can be migrated (their email and hash), on
 * the `users` row aliased `alias`. An item keeps the fingerprint of the row it was planned from, so
 * a user found invalid is not planned again, night after night, until someone changes that row.
 */
export function ROW_FINGERPRINT(alias: string): string {
  return `md5(coalesce(${alias}.email, '') || '/' || coalesce(${alias}.password_hash, ''))`;
}
