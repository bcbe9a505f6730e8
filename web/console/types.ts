// The shapes of the REST answers the page reads (see the OpenAPI document at /docs).
export interface Stats {
  total: number;
  withClerk: number;
  withoutClerk: number;
  withPassword: number;
  signedInThroughClerk: number;
  byPasswordFormat?: Record<string, number>;
  /** Present once Clerk-native sync has landed. */
  deletedAtClerk?: number;
  /** Present once the invitation outbox has landed. */
  invitations?: { queued: number; sent: number; failed: number; revoked: number };
  /** From `/console/api/figures`: invitations sent whose person has not signed in through Clerk yet. */
  invitedNotSignedIn?: number;
  /** From `/console/api/figures`: legacy users a run reported invalid, by the reason it recorded. */
  invalidByReason?: Record<string, number>;
}

export interface Run {
  id: string;
  kind: string;
  strategy: string;
  dryRun: boolean;
  startedBy: string;
  /** The email of the admin startedBy names; null for the CLI, the scheduler, machines. */
  startedByEmail?: string | null;
  status: string;
  counts: Record<string, number | undefined>;
  options: Record<string, unknown>;
  warnings: { code?: string; message?: string }[];
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** What the run asked of Clerk; absent from a server older than the count. */
  clerk?: {
    requests: number;
    rateLimited: number;
    retries: number;
    requestsPerSecond: number | null;
    budgetPerSecond: number | null;
  };
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface RunItem {
  userId: string;
  email: string;
  action: string;
  outcome: string;
  reason: string | null;
  message: string | null;
  clerkUserId: string | null;
  createdInClerk: boolean;
  invitationStatus: string | null;
  attempts: number;
  updatedAt: string;
  rolledBackAt: string | null;
}

export interface DryRunReport {
  runId: string;
  total: number;
  byAction: Record<string, number>;
  byPasswordFormat: Record<string, number>;
  warnings: { code?: string; message?: string }[];
  users: { userId: string; email: string; action: string; reason: string; clerkUserId?: string }[];
  truncated: boolean;
}

export interface RollbackReport {
  runId: string;
  dryRun: boolean;
  unlinked: number;
  deletedFromClerk: number;
  leftAlone: number;
  signedInSince: number;
  keptWithoutPassword: number;
  invitationsRevoked: number;
  notDeletedUnmarked: number;
  failed: { userId: string; error: string }[];
}

export interface CleanupReport {
  dryRun: boolean;
  removed: number;
  waitingForClerkSignIn: number;
  notOnClerk: number;
}

/** What an acting rollback or clean-up answers (202). */
export interface StartedOperation {
  operationId: string;
  kind: string;
  status: string;
  statusUrl: string;
}

export interface Operation<Report> {
  id: string;
  kind: string;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  done: number;
  total: number;
  report: Report | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export const LIVE_STATUSES = ['open', 'running'];
