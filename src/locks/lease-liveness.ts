/** A live holder beats every second; one silent for this long is dead. */
export const STALE_AFTER_MS = 15_000;
/**
 * Sooner than that, a holder is dead once the session that sent its last beat is gone too: a
 * killed process takes all its sessions with it, while a live one whose sessions were cut
 * reconnects and beats again within a second or two.
 */
export const RECONNECT_GRACE_MS = 3_000;

/**
 * SQL that is true while the process that beat last at `beatAt`, from session `beatPid`, is alive.
 * Beats are stamped with PostgreSQL's clock, so no process's clock decides.
 */
export function beatIsLive(beatAt: string, beatPid: string): string {
  return `(${beatAt} > now() - ${STALE_AFTER_MS} * interval '1 millisecond'
    AND (${beatAt} > now() - ${RECONNECT_GRACE_MS} * interval '1 millisecond'
         OR EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = ${beatPid})))`;
}

/** SQL that is true when lease `l` (a row of `migration_lock_leases`) belongs to a live holder. */
export const LEASE_IS_LIVE = beatIsLive('l.heartbeat_at', 'l.heartbeat_pid');

/**
 * SQL that is true while the holder whose lease is named by `holderColumn` is alive: for other
 * modules' queries that judge work by the lease it names (a run, an operation), so that only this
 * module knows how leases are kept.
 */
export function leaseIsLive(holderColumn: string): string {
  return `EXISTS (SELECT 1 FROM migration_lock_leases l WHERE l.holder = ${holderColumn} AND ${LEASE_IS_LIVE})`;
}
