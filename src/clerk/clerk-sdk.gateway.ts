import { Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createClerkClient, type ClerkClient, type Invitation } from '@clerk/backend';
import type { DataSource } from 'typeorm';
import type { ClerkConfig } from '../config/clerk.config.js';
import {
  ClerkGateway,
  MAX_LOOKUP_BATCH,
  type ClerkInvitation,
  type ClerkUser,
  type CreateClerkInvitationInput,
  type CreateClerkUserInput,
  type InvitationPace,
  type VerifiedMachineToken,
  type VerifiedSession,
} from './clerk.gateway.js';
import { ClerkErrorKind, ClerkGatewayError } from './clerk-gateway.error.js';
import { ClerkRequestObserver } from './clerk-request.observer.js';
import { ClerkRequestPacer, type PacerOptions } from './clerk-request.pacer.js';
import { LocalClassBudget } from './class-budget.js';
import { classLimitsOf, effectiveRequests, type ClassLimits, MAX_BULK_INVITATIONS } from './clerk-request.classes.js';
import { PostgresClassBudget } from './postgres-class-budget.js';
import { PostgresRequestBudget } from './postgres-request-budget.js';
import { pacingBucket } from './token-bucket.js';
import { toClerkInvitation, toClerkUser } from './clerk-user.mapper.js';
import { SessionTokenVerifier } from './session-token.verifier.js';
import { MachineTokenVerifier } from './machine-token.verifier.js';

/** `getUserList` asks Clerk for the page and, in parallel, for the count: two requests. */
const LIST_COST = 2;
/** Clerk's largest page of `GET /v1/users`. */
const MAX_LIST_PAGE = 500;

/** The adapter over the real `@clerk/backend` client. */
@Injectable()
export class ClerkSdkGateway extends ClerkGateway {
  private readonly client: ClerkClient | undefined;
  private readonly pacer: ClerkRequestPacer;
  private readonly verifier: SessionTokenVerifier;
  private readonly limits: ClassLimits;

  /** With a database (the app, the CLI), the rate is one budget for every process on it. */
  constructor(
    configService: ConfigService,
    @Optional() observer?: ClerkRequestObserver,
    @Optional() @InjectDataSource() dataSource?: DataSource,
  ) {
    super();
    const config = configService.getOrThrow<ClerkConfig>('clerk', { infer: true });
    const rate = config.rateLimitPerSecond;
    const limits = classLimitsOf(config);
    this.limits = limits;
    [this.client, this.pacer, this.verifier] = ClerkSdkGateway.parts(config, {
      ...(observer ? { observe: (outcome) => observer.observe(outcome) } : {}),
      ...(dataSource
        ? {
            budget: new PostgresRequestBudget(dataSource, rate, pacingBucket(rate)),
            classes: new PostgresClassBudget(dataSource, limits, new LocalClassBudget(limits)),
          }
        : {}),
    });
  }

  /** Builds the gateway without Nest, for tests and scripts; `pacing` overrides the clock or randomness. */
  static fromConfig(config: ClerkConfig, pacing: Partial<PacerOptions> = {}): ClerkSdkGateway {
    const gateway = Object.create(ClerkSdkGateway.prototype) as ClerkSdkGateway;
    const [client, pacer, verifier] = ClerkSdkGateway.parts(config, pacing);
    Object.assign(gateway, { client, pacer, verifier, limits: classLimitsOf(config) });
    return gateway;
  }

  private static parts(config: ClerkConfig, pacing: Partial<PacerOptions> = {}) {
    const client = config.secretKey
      ? createClerkClient({ secretKey: config.secretKey, apiUrl: config.apiUrl, jwtKey: config.jwtKey })
      : undefined;
    const pacer = new ClerkRequestPacer({
      ratePerSecond: config.rateLimitPerSecond,
      requestTimeoutMs: config.requestTimeoutMs,
      maxAttempts: config.maxAttempts,
      retryBaseDelayMs: config.retryBaseDelayMs,
      retryMaxDelayMs: config.retryMaxDelayMs,
      target: describeClerkTarget(config),
      classes: new LocalClassBudget(classLimitsOf(config), pacing.clock),
      ...pacing,
    });
    return [client, pacer, new SessionTokenVerifier(config)] as const;
  }

  async createUser(input: CreateClerkUserInput): Promise<ClerkUser> {
    const client = this.sdk();
    let uncertain = false;
    try {
      const user = await this.pacer.run(
        () =>
          client.users.createUser({
            externalId: input.externalId,
            emailAddress: [input.email],
            firstName: input.firstName ?? undefined,
            lastName: input.lastName ?? undefined,
            publicMetadata: input.publicMetadata,
            privateMetadata: input.privateMetadata,
            createdAt: input.createdAt,
            ...passwordParams(input),
          }),
        { operation: 'users.create', onTransient: () => (uncertain = true) },
      );
      return toClerkUser(user);
    } catch (err) {
      return this.reconcileCreate(err, input.externalId, uncertain);
    }
  }

  /**
   * A create whose answer was lost may have landed; a retry then meets a conflict with our own
   * user. Finding it by external id turns that into the success it was.
   */
  private async reconcileCreate(err: unknown, externalId: string, uncertain: boolean): Promise<ClerkUser> {
    if (!(err instanceof ClerkGatewayError) || err.kind !== ClerkErrorKind.Conflict || !uncertain) throw err;
    const existing = await this.findUserByExternalId(externalId);
    if (existing) return existing;
    throw err;
  }

  findUsersByEmails(emails: string[]): Promise<ClerkUser[]> {
    return this.list('emailAddress', emails);
  }

  findUsersByExternalIds(externalIds: string[]): Promise<ClerkUser[]> {
    return this.list('externalId', externalIds);
  }

  async findUserByExternalId(externalId: string): Promise<ClerkUser | null> {
    const users = await this.list('externalId', [externalId]);
    return users.find((u) => u.externalId === externalId) ?? null;
  }

  private async list(filter: 'emailAddress' | 'externalId', values: string[]): Promise<ClerkUser[]> {
    if (values.length > MAX_LOOKUP_BATCH) {
      throw new RangeError(`Clerk looks up at most ${MAX_LOOKUP_BATCH} values per request, got ${values.length}`);
    }
    if (values.length === 0) return [];
    const client = this.sdk();
    const { data } = await this.pacer.run(() => client.users.getUserList({ [filter]: values, limit: MAX_LOOKUP_BATCH }), {
      operation: 'users.list',
      cost: LIST_COST,
    });
    return data.map(toClerkUser);
  }

  async listUsers(page: { offset: number; limit: number }): Promise<ClerkUser[]> {
    const client = this.sdk();
    const { data } = await this.pacer.run(
      () => client.users.getUserList({ offset: page.offset, limit: Math.min(page.limit, MAX_LIST_PAGE), orderBy: '+created_at' }),
      { operation: 'users.list', cost: LIST_COST },
    );
    return data.map(toClerkUser);
  }

  /** Clerk limits user updates per user (10 / 10 s); the pacer's `users.update` class carries that budget. */
  async setExternalId(clerkUserId: string, externalId: string): Promise<ClerkUser | null> {
    const client = this.sdk();
    try {
      return toClerkUser(
        await this.pacer.run(() => client.users.updateUser(clerkUserId, { externalId }), {
          operation: 'users.update',
          subject: clerkUserId,
        }),
      );
    } catch (err) {
      if (err instanceof ClerkGatewayError && err.status === 404) return null;
      throw err;
    }
  }

  async getUser(clerkUserId: string): Promise<ClerkUser | null> {
    const client = this.sdk();
    try {
      return toClerkUser(await this.pacer.run(() => client.users.getUser(clerkUserId), { operation: 'users.get' }));
    } catch (err) {
      if (err instanceof ClerkGatewayError && err.status === 404) return null;
      throw err;
    }
  }

  countUsers(): Promise<number> {
    const client = this.sdk();
    return this.pacer.run(() => client.users.getCount(), { operation: 'users.count' });
  }

  async deleteUser(clerkUserId: string): Promise<boolean> {
    const client = this.sdk();
    try {
      await this.pacer.run(() => client.users.deleteUser(clerkUserId), { operation: 'users.delete' });
      return true;
    } catch (err) {
      if (err instanceof ClerkGatewayError && err.status === 404) return false;
      throw err;
    }
  }

  async createInvitation(input: CreateClerkInvitationInput): Promise<ClerkInvitation> {
    const client = this.sdk();
    const invitation = await this.pacer.run(
      () =>
        client.invitations.createInvitation({
          emailAddress: input.email,
          redirectUrl: input.redirectUrl,
          notify: input.notify,
          ignoreExisting: input.ignoreExisting,
          publicMetadata: input.publicMetadata,
        }),
      { operation: 'invitations.create', maxWaitMs: input.maxWaitMs, maxAttempts: 1, maxRateLimitWaits: 0 },
    );
    return toClerkInvitation(invitation);
  }

  async createInvitationsInBulk(inputs: CreateClerkInvitationInput[]): Promise<ClerkInvitation[]> {
    if (inputs.length === 0) return [];
    if (inputs.length > MAX_BULK_INVITATIONS) {
      throw new RangeError(`Clerk takes at most ${MAX_BULK_INVITATIONS} invitations per bulk request, got ${inputs.length}`);
    }
    const client = this.sdk();
    const maxWaitMs = Math.min(...inputs.map((input) => input.maxWaitMs ?? Number.POSITIVE_INFINITY));
    const invitations = await this.pacer.run(
      () =>
        client.invitations.createInvitationBulk(
          inputs.map((input) => ({
            emailAddress: input.email,
            redirectUrl: input.redirectUrl,
            notify: input.notify,
            ignoreExisting: input.ignoreExisting,
            publicMetadata: input.publicMetadata,
          })),
        ),
      {
        operation: 'invitations.bulk_create',
        ...(Number.isFinite(maxWaitMs) && { maxWaitMs }),
        maxAttempts: 1,
        maxRateLimitWaits: 0,
      },
    );
    return invitations.map(toClerkInvitation);
  }

  invitationPace(): InvitationPace {
    return { requests: effectiveRequests('invitations', this.limits), windowSeconds: this.limits.invitations.windowSeconds };
  }

  async invitationBacklogSeconds(count: number, notBeforeMs = 0): Promise<number> {
    if (count <= 0) return 0;
    return Math.ceil((await this.pacer.classBacklogMs('invitations', count, notBeforeMs)) / 1000);
  }

  async findInvitationsByEmail(email: string): Promise<ClerkInvitation[]> {
    const client = this.sdk();
    const answer: unknown = await this.pacer.run(() => client.invitations.getInvitationList({ query: email, limit: 100 }), {
      operation: 'invitations.list',
    });
    // Clerk's spec answers a bare array; the SDK types it as a page (`{ data, totalCount }`): take either.
    const list = (Array.isArray(answer) ? answer : (answer as { data: Invitation[] }).data) as Invitation[];
    const wanted = email.toLowerCase();
    return list.map(toClerkInvitation).filter((invitation) => invitation.email.toLowerCase() === wanted);
  }

  async revokeInvitation(invitationId: string): Promise<boolean> {
    const client = this.sdk();
    try {
      await this.pacer.run(() => client.invitations.revokeInvitation(invitationId), { operation: 'invitations.revoke' });
      return true;
    } catch (err) {
      // Clerk answers 400 for an invitation that is no longer active, 404 for one it does not know.
      if (err instanceof ClerkGatewayError && (err.status === 400 || err.status === 404)) return false;
      throw err;
    }
  }

  verifySessionToken(token: string): Promise<VerifiedSession> {
    return this.verifier.verify(token);
  }

  verifyApiKey(secret: string): Promise<VerifiedMachineToken> {
    return new MachineTokenVerifier(this.sdk(), this.pacer).verifyApiKey(secret);
  }

  verifyM2mToken(token: string): Promise<VerifiedMachineToken> {
    return new MachineTokenVerifier(this.sdk(), this.pacer).verifyM2mToken(token);
  }

  isConfigured(): boolean {
    return this.client !== undefined;
  }

  private sdk(): ClerkClient {
    if (!this.client) throw ClerkGatewayError.notConfigured();
    return this.client;
  }
}

function passwordParams({ password }: CreateClerkUserInput) {
  if (!password) return { skipPasswordRequirement: true };
  return { passwordDigest: password.digest, passwordHasher: password.hasher, skipPasswordChecks: true };
}

/** `Clerk at <url> (CLERK_API_URL), sk_live_ key`: where requests go and with what kind of key, never the key itself. */
export function describeClerkTarget(config: Pick<ClerkConfig, 'apiUrl' | 'secretKey'>): string {
  const keyKind = config.secretKey?.startsWith('sk_live_') ? 'sk_live_' : 'sk_test_';
  return `Clerk at ${config.apiUrl} (CLERK_API_URL), ${keyKind} key`;
}
