import { AdoptUsersTable1764000000000 } from './1764000000000-adopt-users-table.js';
import { AdoptAuditLogsTable1764000000001 } from './1764000000001-adopt-audit-logs-table.js';
import { CreateMigrationState1764000000002 } from './1764000000002-create-migration-state.js';
import { FleetCoordination1764000000003 } from './1764000000003-fleet-coordination.js';
import { RecordInvitationsAndRollbacks1764000000004 } from './1764000000004-record-invitations-and-rollbacks.js';
import { CreateLoginThrottle1764000000006 } from './1764000000006-create-login-throttle.js';
import { IndexItemsByRun1764000000007 } from './1764000000007-index-items-by-run.js';
import { CreateLockLeases1764000000008 } from './1764000000008-create-lock-leases.js';
import { PauseClerkBudget1764000000009 } from './1764000000009-pause-clerk-budget.js';
import { CreateClerkSync1764000000010 } from './1764000000010-create-clerk-sync.js';
import { ClerkRequestClasses1764000000012 } from './1764000000012-clerk-request-classes.js';
import { CreateInvitationOutbox1764000000013 } from './1764000000013-create-invitation-outbox.js';
import { CreateMigrationOperations1764000000014 } from './1764000000014-create-migration-operations.js';
import { RunClerkUsage1764000000015 } from './1764000000015-run-clerk-usage.js';
import { RunNamesLease1764000000016 } from './1764000000016-run-names-lease.js';

/** Every schema migration, in order. Listed explicitly: no file globbing at run time. */
export const schemaMigrations = [
  AdoptUsersTable1764000000000,
  AdoptAuditLogsTable1764000000001,
  CreateMigrationState1764000000002,
  FleetCoordination1764000000003,
  RecordInvitationsAndRollbacks1764000000004,
  CreateLoginThrottle1764000000006,
  IndexItemsByRun1764000000007,
  CreateLockLeases1764000000008,
  PauseClerkBudget1764000000009,
  CreateClerkSync1764000000010,
  ClerkRequestClasses1764000000012,
  CreateInvitationOutbox1764000000013,
  CreateMigrationOperations1764000000014,
  RunClerkUsage1764000000015,
  RunNamesLease1764000000016,
];
