import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';

/** Answers that are the system doing its job under this traffic, by operation; anything else is an error. */
const EXPECTED: Record<string, number[]> = {
  login: [200],
  'me.legacy': [200],
  // A Clerk user may have been rolled back between our sample and the request: 401 clerk_user_not_linked.
  'me.clerk': [200, 401],
  migrate: [202, 409],
  rollback: [200, 409],
};

export interface SoakTarget {
  url: string;
  clerk: ClerkEmulator;
  admin: { email: string; password: string };
  /** Emails of users who have a password, and the one password they all share. */
  emails: string[];
  password: string;
  /** Clerk ids of users linked right now; refreshed by the caller. */
  linkedClerkIds: () => string[];
}

/** Counts of every answer by `operation status[:code]`, and of the unexpected ones apart. */
export class SoakTally {
  readonly answers: Record<string, number> = {};
  readonly errors: Record<string, number> = {};

  add(operation: string, status: number | string, code?: string): void {
    const key = `${operation} ${status}${code ? `:${code}` : ''}`;
    this.answers[key] = (this.answers[key] ?? 0) + 1;
    if (typeof status !== 'number' || !EXPECTED[operation]?.includes(status)) this.errors[key] = (this.errors[key] ?? 0) + 1;
  }
}

/** Mixed traffic: legacy logins, `/users/me` with both kinds of token, and the admin's runs and rollbacks. */
export class SoakTraffic {
  private adminToken?: string;
  private readonly legacyTokens: string[] = [];
  private lastRunId?: string;

  constructor(
    private readonly target: SoakTarget,
    readonly tally: SoakTally,
  ) {}

  /** One user request, picked at random: 20% login, 40% /users/me legacy, 40% /users/me Clerk. */
  async userRequest(): Promise<void> {
    const draw = Math.random();
    if (draw < 0.2 || this.legacyTokens.length === 0) return this.login();
    if (draw < 0.6) return this.me('me.legacy', this.legacyTokens[Math.floor(Math.random() * this.legacyTokens.length)]);
    const ids = this.target.linkedClerkIds();
    if (ids.length === 0) return this.login();
    const sub = ids[Math.floor(Math.random() * ids.length)];
    return this.me('me.clerk', this.target.clerk.mintSessionToken({ sub }));
  }

  async startRun(): Promise<void> {
    const response = await this.call('migrate', 'POST', '/migration/runs', { limit: 300 }, await this.admin());
    if (response?.status === 202) this.lastRunId = (response.body as { runId: string }).runId;
  }

  /**
   * Rolls back the last run this traffic started, deleting the accounts it created, so there is always
   * work left: 202 once its checks pass, the work going on in the service (the next run waits for its lock).
   */
  async rollbackLastRun(): Promise<void> {
    if (!this.lastRunId) return;
    const runId = this.lastRunId;
    const body = { deleteClerkUsers: true, confirm: true };
    const response = await this.call('rollback', 'POST', `/migration/runs/${runId}/rollback`, body, await this.admin());
    if (response?.status === 202) this.lastRunId = undefined;
  }

  private async login(): Promise<void> {
    const email = this.target.emails[Math.floor(Math.random() * this.target.emails.length)];
    const response = await this.call('login', 'POST', '/auth/login', { email, password: this.target.password });
    if (response?.status === 200) {
      this.legacyTokens.push((response.body as { accessToken: string }).accessToken);
      // Tokens live 15 minutes; a short window of fresh ones is plenty and keeps memory flat.
      if (this.legacyTokens.length > 200) this.legacyTokens.shift();
    }
  }

  private async me(operation: string, token: string): Promise<void> {
    await this.call(operation, 'GET', '/users/me', undefined, token);
  }

  private async admin(): Promise<string> {
    if (!this.adminToken) {
      const response = await fetch(`${this.target.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.target.admin),
      });
      this.adminToken = ((await response.json()) as { accessToken: string }).accessToken;
      // Legacy tokens expire; sign in again a little before.
      setTimeout(() => (this.adminToken = undefined), 10 * 60_000).unref();
    }
    return this.adminToken;
  }

  private async call(
    operation: string,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: unknown } | undefined> {
    try {
      const response = await fetch(`${this.target.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const parsed = (await response.json().catch(() => undefined)) as { code?: string } | undefined;
      this.tally.add(operation, response.status, response.status >= 300 ? parsed?.code : undefined);
      return { status: response.status, body: parsed };
    } catch (error) {
      this.tally.add(operation, error instanceof Error ? error.name : 'error');
      return undefined;
    }
  }
}
