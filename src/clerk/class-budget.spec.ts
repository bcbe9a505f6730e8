import { describe, expect, it } from '@jest/globals';
import { ClerkAPIResponseError } from '@clerk/backend/errors';
import { LocalClassBudget } from './class-budget.js';
import { CLERK_CLASS_LIMITS, classLimitsOf, classOfOperation, effectiveRequests, type ClassLimits } from './clerk-request.classes.js';
import { ClerkErrorKind } from './clerk-gateway.error.js';
import { ClerkRequestPacer } from './clerk-request.pacer.js';
import type { Clock } from './clock.js';

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += Math.max(0, ms))) };
}

/** A clock whose sleeps are recorded but do not pass: every caller reserves at the same instant. */
function frozenClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => 1_000_000, sleep: async (ms) => void sleeps.push(ms) };
}

const tooMany = () =>
  new ClerkAPIResponseError('', { data: [{ code: 'too_many_requests', message: 'x', long_message: 'x' }], status: 429, retryAfter: 1800 });

describe('Clerk request classes', () => {
  it('names the class of each limited operation and leaves the rest global', () => {
    expect(classOfOperation('invitations.create')).toBe('invitations');
    expect(classOfOperation('invitations.bulk_create')).toBe('bulk_invitations');
    expect(classOfOperation('users.update')).toBe('user_updates');
    expect(classOfOperation('users.create')).toBe('global');
    expect(classOfOperation(undefined)).toBe('global');
  });

  it("keeps a margin below Clerk's own figure, none below a lower configured one", () => {
    expect(effectiveRequests('invitations', CLERK_CLASS_LIMITS)).toBe(98);
    expect(effectiveRequests('bulk_invitations', CLERK_CLASS_LIMITS)).toBe(24);
    expect(effectiveRequests('user_updates', CLERK_CLASS_LIMITS)).toBe(9);
    const lower: ClassLimits = { ...CLERK_CLASS_LIMITS, invitations: { ...CLERK_CLASS_LIMITS.invitations, requests: 40 } };
    expect(effectiveRequests('invitations', lower)).toBe(40);
  });

  it('divides every window by CLERK_LIMITS_TIME_SCALE, as the emulator does its own', () => {
    const scaled = classLimitsOf({ limitsTimeScale: 1000 });
    expect(scaled.invitations).toMatchObject({ requests: 100, windowSeconds: 3.6 });
    expect(scaled.user_updates).toMatchObject({ requests: 10, windowSeconds: 0.01 });
    expect(classLimitsOf({}).invitations.windowSeconds).toBe(3600);
  });
});

describe('a class backlog (what an ETA is made of)', () => {
  it('lets the room left in the window go at once, then one window per window’s worth', async () => {
    const clock = fakeClock();
    const budget = new LocalClassBudget(CLERK_CLASS_LIMITS, clock);
    expect(await budget.backlogMs('invitations', 0)).toBe(0);
    expect(await budget.backlogMs('invitations', 98)).toBe(0);
    // Our window is Clerk's hour and a second.
    expect(await budget.backlogMs('invitations', 99)).toBe(3_601_000);
    expect(await budget.backlogMs('invitations', 1000)).toBe(10 * 3_601_000);
    for (let i = 0; i < 90; i += 1) await budget.take('invitations', undefined);
    expect(await budget.backlogMs('invitations', 8)).toBe(0);
    expect(await budget.backlogMs('invitations', 9)).toBe(3_601_000);
  });

  it('starts after a pause, the class’s or the caller’s', async () => {
    const clock = fakeClock();
    const budget = new LocalClassBudget(CLERK_CLASS_LIMITS, clock);
    await budget.pauseUntil('invitations', undefined, clock.now() + 60_000);
    expect(await budget.backlogMs('invitations', 1)).toBe(60_000);
    expect(await budget.backlogMs('invitations', 1, 120_000)).toBe(120_000);
  });
});

describe('LocalClassBudget', () => {
  it('lets a burst up to the limit go at once, then one send as each old one leaves the window', async () => {
    const clock = frozenClock();
    const budget = new LocalClassBudget(CLERK_CLASS_LIMITS, clock);
    for (let i = 0; i < 100; i += 1) await budget.take('invitations', undefined);
    const window = 3_600_000 + 1000;
    expect(clock.sleeps.slice(0, 98)).toEqual(Array(98).fill(0));
    // The 99th and 100th go when the first and second sends leave the (widened) hour.
    expect(clock.sleeps.slice(98)).toEqual([window, window]);
  });

  it('refuses at once, reserving nothing, a request that would wait longer than its caller allows', async () => {
    const clock = frozenClock();
    const budget = new LocalClassBudget(CLERK_CLASS_LIMITS, clock);
    for (let i = 0; i < 24; i += 1) await budget.take('bulk_invitations', undefined, 1000);
    const refused = budget.take('bulk_invitations', undefined, 1000);
    await expect(refused).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused, retryAfterSeconds: 3601 });
    await expect(budget.take('bulk_invitations', undefined, 1000)).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused });
    expect(clock.sleeps).toHaveLength(24);
  });

  it('counts user updates per user', async () => {
    const clock = frozenClock();
    const budget = new LocalClassBudget(CLERK_CLASS_LIMITS, clock);
    for (let i = 0; i < 9; i += 1) await budget.take('user_updates', 'user_a');
    await budget.take('user_updates', 'user_b');
    await budget.take('user_updates', 'user_a');
    expect(clock.sleeps).toEqual([...Array(10).fill(0), 10_100]);
  });
});

describe('ClerkRequestPacer with classes', () => {
  const pacer = (clock: Clock) =>
    new ClerkRequestPacer({ ratePerSecond: 1000, requestTimeoutMs: 1000, maxAttempts: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 1, clock });

  it('pauses only the class a 429 came from, and fails fast a caller that will not wait that long', async () => {
    const clock = fakeClock();
    const p = pacer(clock);
    const refused = p.run(() => Promise.reject(tooMany()), { operation: 'invitations.create', maxWaitMs: 60_000 });
    await expect(refused).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused, retryAfterSeconds: 1800 });
    const before = clock.now();
    await expect(p.run(async () => 'created', { operation: 'users.create' })).resolves.toBe('created');
    expect(clock.now() - before).toBeLessThan(1000);
    let sent = false;
    const invite = p.run(async () => void (sent = true), { operation: 'invitations.create', maxWaitMs: 0 });
    await expect(invite).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused });
    expect(sent).toBe(false);
  });

  it('holds every class during an instance-wide pause, failing fast the callers that will not wait', async () => {
    const clock = manualClock();
    const p = pacer(clock);
    let calls = 0;
    const lookUp = p.run(() => (++calls === 1 ? Promise.reject(tooMany()) : Promise.resolve('found')), { operation: 'users.get' });
    for (let turn = 0; turn < 50 && clock.asleep() === 0; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(clock.asleep()).toBe(1);
    const invite = p.run(async () => 'sent', { operation: 'invitations.create', maxWaitMs: 1000 });
    await expect(invite).rejects.toMatchObject({ kind: ClerkErrorKind.ClassPaused, retryAfterSeconds: 1800 });
    clock.advance(1_800_000);
    await expect(lookUp).resolves.toBe('found');
  });
});

/** Sleeps end only when the test moves the clock past them. */
function manualClock(): Clock & { advance(ms: number): void; asleep(): number } {
  let now = 1_000_000;
  let sleepers: { due: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise<void>((wake) => sleepers.push({ due: now + ms, wake }))),
    asleep: () => sleepers.length,
    advance(ms) {
      now += ms;
      for (const sleeper of sleepers.filter((s) => s.due <= now)) sleeper.wake();
      sleepers = sleepers.filter((s) => s.due > now);
    },
  };
}
