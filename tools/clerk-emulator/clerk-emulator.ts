import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClerkPasswordImport } from '../../src/passwords/password-formats.js';
import { backendApiRoutes, type ApiRoute } from './emulator-api.routes.js';
import { inspectUser, mintToken, seedUser, signIn, type EmulatorInternals, type SignInResult } from './emulator-admin.routes.js';
import { clerkErrors, EmulatorHttpError } from './emulator-errors.js';
import { FaultInjector, type FaultConfigInput, type FaultSettings } from './emulator-faults.js';
import { traceId } from './emulator-ids.js';
import { CLERK_ENDPOINT_LIMITS, EmulatorEndpointLimiter, type EndpointLimitSettings } from './emulator-endpoint-limits.js';
import { rejectUndocumentedQuery } from './emulator-query-params.js';
import { CLERK_RATE_LIMITS, EmulatorRateLimiter } from './emulator-rate-limiter.js';
import type { SessionTokenOptions } from './emulator-sessions.js';
import { createSigningKey, jwksJson } from './emulator-signing-keys.js';
import { EmulatorStore } from './emulator-store.js';
import { handleEmulatorAdmin } from './emulator-webhook-admin.routes.js';
import { ClerkEmulatorWebhookControls } from './emulator-webhook-controls.js';
import { EmulatorWebhooks, type WebhookSettings } from './emulator-webhooks.js';
import { EmulatorMachineAuth } from './emulator-machine-auth.js';
import { machineAuthRoutes } from './emulator-machine-auth.routes.js';
import type { FaultKind, KeyType, RateLimitSettings } from './emulator.types.js';

export const DEFAULT_TEST_SECRET_KEY = 'sk_test_emulatorDevelopmentInstanceKey000000000';
export const DEFAULT_LIVE_SECRET_KEY = 'sk_live_emulatorProductionInstanceKey0000000000';
export const NO_RATE_LIMIT: RateLimitSettings = { live: null, test: null };

export interface ClerkEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Secret keys the emulator accepts; the first is `emulator.secretKey`. */
  secretKeys?: string[];
  /** Clerk's documented limits unless set; `false` turns limiting off. */
  rateLimit?: RateLimitSettings | false;
  /**
   * Clerk's per-endpoint limits (invitations 100/h, bulk 25/h, user updates 10/10 s per user) unless
   * set; `false` turns them off. They apply whatever `rateLimit` says.
   */
  endpointLimits?: EndpointLimitSettings | false;
  /** Divides the per-endpoint windows: at 1000 an hour lasts 3.6 s. The instance-wide window is not scaled. */
  timeScale?: number;
  /**
   * How many users a development instance (`sk_test_` key) may hold before `POST /v1/users` is
   * refused (Clerk: 100); `false` lifts the cap, for tests and benchmarks that create more.
   */
  developmentUserCap?: number | false;
  faults?: Partial<FaultSettings>;
  /** `iss` of minted session tokens (Clerk's Frontend API URL). */
  issuer?: string;
  /** Where Clerk's webhooks go; unset: nowhere (nothing is sent or recorded). */
  webhooks?: WebhookSettings;
}

type Internals = EmulatorInternals & {
  counts: Map<string, Map<string, number>>;
  endpointLimiter: EmulatorEndpointLimiter;
  developmentUserCap: number | false;
};

/** Clerk's cap on the users of a development instance. */
export const DEVELOPMENT_USER_CAP = 100;

/** A running emulator: the base URL for `CLERK_API_URL`, its keys, and the test-side controls. */
export class ClerkEmulator extends ClerkEmulatorWebhookControls {
  readonly secretKey: string;
  /** API keys and M2M tokens: the test-side controls to issue them (see `emulator-machine-auth.ts`). */
  readonly machineAuth: EmulatorMachineAuth;
  private readonly routes: ApiRoute[];
  /** When each Backend API request (JWKS aside) arrived, for `busiestWindow`. */
  private arrivals: number[] = [];

  constructor(
    readonly url: string,
    readonly secretKeys: string[],
    private readonly internals: Internals,
    private readonly server: Server,
  ) {
    super(internals);
    this.secretKey = secretKeys[0];
    this.machineAuth = new EmulatorMachineAuth({ key: internals.keys.instance, issuer: internals.issuer });
    this.routes = [...backendApiRoutes(internals.store), ...machineAuthRoutes(this.machineAuth)];
  }

  /** A live (`sk_live_`) key the emulator accepts, if any: it gets the production rate limit. */
  get liveSecretKey(): string | undefined {
    return this.secretKeys.find((key) => key.startsWith('sk_live_'));
  }

  /** PEM for `CLERK_JWT_KEY` (networkless verification). */
  get publicKeyPem(): string {
    return this.internals.keys.instance.publicKeyPem;
  }

  get issuer(): string {
    return this.internals.issuer;
  }

  users() {
    return this.internals.store.all().map(inspectUser);
  }

  invitations() {
    return this.internals.store.allInvitations();
  }

  /** `password` is a plain one; `passwordImport` a digest with its hasher, as the service imports it. */
  seedUser(input: {
    email: string;
    verified?: boolean;
    externalId?: string;
    firstName?: string;
    lastName?: string;
    password?: string;
    passwordImport?: ClerkPasswordImport;
  }) {
    const body = {
      email_address: [input.email],
      verified: input.verified,
      external_id: input.externalId,
      first_name: input.firstName,
      last_name: input.lastName,
      password: input.password,
    };
    const imported = input.passwordImport && { password_digest: input.passwordImport.digest, password_hasher: input.passwordImport.hasher };
    return inspectUser(seedUser(this.internals, { ...body, ...imported }));
  }

  /** Throws `EmulatorHttpError` (422 `form_password_incorrect` / `form_identifier_not_found`) on failure. */
  signIn(email: string, password: string, azp?: string): Promise<SignInResult> {
    return signIn(this.internals, email, password, azp);
  }

  mintSessionToken(options: SessionTokenOptions): string {
    return mintToken(this.internals, options);
  }

  /** Request counts by `"METHOD /template"` and status (`"200"`, `"429"`, `"dropped"`, `"lost_response"`). */
  requestCounts(): Record<string, Record<string, number>> {
    return this.internals.requestCounts();
  }

  /**
   * The most Backend API requests (JWKS aside, which Clerk does not limit) that arrived within any
   * `windowMs`, sliding, since the start or the last reset: what a budget may never exceed.
   */
  busiestWindow(windowMs = 1000): number {
    let busiest = 0;
    // Recorded when each request began, pushed once its body was read: sorted here.
    const arrivals = [...this.arrivals].sort((a, b) => a - b);
    for (let first = 0, last = 0; last < arrivals.length; last += 1) {
      while (arrivals[last] - arrivals[first] >= windowMs) first += 1;
      busiest = Math.max(busiest, last - first + 1);
    }
    return busiest;
  }

  /** How many Backend API requests (JWKS aside) arrived in all. */
  arrivalCount(): number {
    return this.arrivals.length;
  }

  setFaults(input: FaultConfigInput) {
    return this.internals.faults.configure(input);
  }

  /** The next `count` requests to `route` (e.g. `"POST /v1/users"`, or any Backend API route) meet `kind`. */
  injectFault(kind: FaultKind, count = 1, route?: string, retryAfterSeconds?: number): void {
    this.internals.faults.enqueue(kind, count, route, retryAfterSeconds);
  }

  setRateLimit(settings: RateLimitSettings | false): void {
    this.internals.limiter.configure(settings === false ? NO_RATE_LIMIT : settings);
  }

  /**
   * Forgets users, invitations, counts, faults, webhook deliveries and the rate-limit window; keeps
   * keys, limits and where webhooks go.
   */
  reset(): void {
    this.arrivals = [];
    this.internals.reset();
    this.machineAuth.clear();
  }

  async stop(): Promise<void> {
    this.internals.webhooks.stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  /** Node's request handler; public so that `startClerkEmulator` can wire it before listening. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    try {
      const body = await readJson(req);
      if (this.internals.faults.latencyMs > 0) await sleep(this.internals.faults.latencyMs);
      if (url.pathname.startsWith('/__emulator/'))
        return send(res, 200, await handleEmulatorAdmin(this.internals, req, url.pathname, body));
      if (!(method === 'GET' && url.pathname === '/v1/jwks')) this.arrivals.push(arrivedAt);
      await this.handleBackendApi(req, res, method, url, body);
    } catch (err) {
      sendError(res, err);
    }
  }

  private async handleBackendApi(req: IncomingMessage, res: ServerResponse, method: string, url: URL, body: unknown) {
    const isJwks = method === 'GET' && url.pathname === '/v1/jwks';
    const match = isJwks ? undefined : this.match(method, url.pathname);
    const routeKey = isJwks ? 'GET /v1/jwks' : match ? `${method} ${match.route.template}` : `${method} (unknown)`;
    const count = (status: string) => this.count(routeKey, status);
    try {
      const key = this.authenticate(req);
      if (isJwks) return send(res, 200, jwksJson([this.internals.keys.instance]), count);
      const decision = this.internals.limiter.check(key, keyType(key));
      if (!decision.allowed) throw clerkErrors.rateLimited(decision.retryAfterSeconds);
      if (!match) throw clerkErrors.notFound();
      const endpoint = this.internals.endpointLimiter.check(key, routeKey, match.params);
      if (!endpoint.allowed) throw clerkErrors.rateLimited(endpoint.retryAfterSeconds);
      this.checkDevelopmentCap(key, routeKey);
      rejectUndocumentedQuery(routeKey, url.searchParams);
      const fault = this.internals.faults.next(routeKey);
      if (fault?.kind === 'drop') return drop(req, count, 'dropped');
      if (fault?.kind === 'error_5xx') throw clerkErrors.internal();
      if (fault?.kind === 'rate_limit') throw clerkErrors.rateLimited(fault.retryAfterSeconds ?? 1);
      if (fault?.kind === 'stale_read' && method === 'GET') return send(res, ...staleAnswer(match.route.template), count);
      const result = match.route.handle({ params: match.params, query: url.searchParams, body });
      this.internals.webhooks.afterBackendApi(method, match.route.template, result, req);
      if (fault?.kind === 'lost_response') return drop(req, count, 'lost_response');
      send(res, 200, result, count);
    } catch (err) {
      sendError(res, err, count);
    }
  }

  /** Per-endpoint limits by route template; `false` turns them off. */
  setEndpointLimits(settings: EndpointLimitSettings | false, timeScale?: number): void {
    this.internals.endpointLimiter.configure(settings === false ? {} : settings, timeScale);
  }

  private checkDevelopmentCap(key: string, routeKey: string): void {
    const cap = this.internals.developmentUserCap;
    if (cap === false || routeKey !== 'POST /v1/users' || keyType(key) !== 'test') return;
    if (this.internals.store.userCount() >= cap) throw clerkErrors.developmentUserLimit(cap);
  }

  private authenticate(req: IncomingMessage): string {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key === undefined || !this.secretKeys.includes(key)) throw clerkErrors.unauthorized();
    return key;
  }

  private match(method: string, path: string) {
    for (const route of this.routes) {
      const found = route.method === method ? route.pattern.exec(path) : null;
      if (found) return { route, params: { ...found.groups } };
    }
    return undefined;
  }

  private count(route: string, status: string): void {
    const byStatus = this.internals.counts.get(route) ?? new Map<string, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.internals.counts.set(route, byStatus);
  }
}

/** A read that has not seen recent writes yet: an empty list, a zero count, an unknown user. */
function staleAnswer(template: string): [number, unknown] {
  if (template === '/v1/users') return [200, []];
  if (template === '/v1/users/count') return [200, { object: 'total_count', total_count: 0 }];
  const { status, error } = clerkErrors.notFound();
  return [status, { errors: [error], clerk_trace_id: traceId() }];
}

function keyType(secretKey: string): KeyType {
  return secretKey.startsWith('sk_live_') ? 'live' : 'test';
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw clerkErrors.malformedBody();
  }
}

/** `application/json` exactly: `@clerk/backend` parses a body as JSON only on that exact header value. */
function send(res: ServerResponse, status: number, body: unknown, count?: (status: string) => void, headers: Record<string, string> = {}) {
  count?.(String(status));
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: unknown, count?: (status: string) => void) {
  const httpError = err instanceof EmulatorHttpError ? err : clerkErrors.internal();
  send(res, httpError.status, { errors: [httpError.error], clerk_trace_id: traceId() }, count, httpError.headers);
}

/** The connection is cut without an answer; for `lost_response` the work has already been done. */
function drop(req: IncomingMessage, count: (status: string) => void, status: string) {
  count(status);
  req.socket.destroy();
}

export async function startClerkEmulator(options: ClerkEmulatorOptions = {}): Promise<ClerkEmulator> {
  const [instance, foreign] = await Promise.all([createSigningKey(), createSigningKey()]);
  const store = new EmulatorStore();
  const limiter = new EmulatorRateLimiter(options.rateLimit === false ? NO_RATE_LIMIT : (options.rateLimit ?? CLERK_RATE_LIMITS));
  const faults = new FaultInjector(options.faults);
  const counts = new Map<string, Map<string, number>>();
  const webhooks = new EmulatorWebhooks(options.webhooks);
  const endpointLimiter = new EmulatorEndpointLimiter(
    options.endpointLimits === false ? {} : (options.endpointLimits ?? CLERK_ENDPOINT_LIMITS),
    options.timeScale ?? 1,
  );
  const internals: Internals = {
    store,
    limiter,
    endpointLimiter,
    developmentUserCap: options.developmentUserCap ?? DEVELOPMENT_USER_CAP,
    faults,
    counts,
    keys: { instance, foreign },
    issuer: options.issuer ?? 'https://clerk-emulator.clerk.accounts.dev',
    webhooks,
    requestCounts: () => Object.fromEntries([...counts].map(([route, byStatus]) => [route, Object.fromEntries(byStatus)])),
    reset: () => {
      store.clear();
      counts.clear();
      faults.reset();
      limiter.reset();
      webhooks.reset();
      endpointLimiter.reset();
    },
  };
  const server = createServer();
  // A taken port rejects (EADDRINUSE, with the port) instead of crashing the process with an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const emulator = new ClerkEmulator(
    `http://${host}:${port}`,
    options.secretKeys ?? [DEFAULT_TEST_SECRET_KEY, DEFAULT_LIVE_SECRET_KEY],
    internals,
    server,
  );
  server.on('request', (req, res) => void emulator.handle(req, res));
  return emulator;
}
