import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConsole } from '../../scripts/build.js';
import { ConsoleAssets } from '../../src/console/console-assets.js';
import { startClerkEmulator, type ClerkEmulator } from '../../tools/clerk-emulator/index.js';
import { collectPageErrors, launchChromium } from '../utils/browser.js';
import { seedWorld, type SeedWorld } from '../utils/seed-world.js';

/** Set to a folder (docs/console) to write the screenshots README shows. */
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The page fits the viewport's width: wide tables scroll inside their own box. */
async function fitsWidth(page: Page): Promise<boolean> {
  // A string: the test's own TypeScript knows no DOM.
  return page.evaluate('document.documentElement.scrollWidth <= window.innerWidth') as Promise<boolean>;
}

async function waitForNoRunningRun(world: SeedWorld): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await world.db.pool.query(`SELECT count(*)::int AS n FROM migration_runs WHERE status = 'running'`);
    if (rows[0].n === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** The value shown under a figure's label, in the figures list named `list`. */
function figure(page: Page, list: string, label: string) {
  return page
    .locator(`dl[aria-label="${list}"] div`)
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd');
}

describe('the operator console, in Chromium', () => {
  let clerk: ClerkEmulator;
  let world: SeedWorld;
  let browser: Browser;
  let base: string;
  let assets: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    assets = mkdtempSync(join(tmpdir(), 'console-assets-'));
    buildConsole(assets);
    clerk = await startClerkEmulator({ rateLimit: false });
    world = await seedWorld(clerk, {}, {}, (builder) => builder.overrideProvider(ConsoleAssets).useValue(new ConsoleAssets(assets)));
    await world.app.listen(0, '127.0.0.1');
    base = (await world.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await world?.close();
    await clerk?.stop();
    rmSync(assets, { recursive: true, force: true });
  });

  async function newPage(): Promise<{ page: Page; errors: string[]; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    return { page, errors: collectPageErrors(page), context };
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    const response = await page.goto(`${base}/console`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('body').getAttribute('data-session')).resolves.toBe('none');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs the demo admin in, shows the seed world, migrates and rolls back, with no CSP violation or console error', async () => {
    const { page, errors } = await newPage();
    const admin = world.users.find((user) => user.role === 'admin')!;
    await signIn(page, admin.email, admin.password!);

    await expect(figure(page, 'Users', 'Users').textContent()).resolves.toBe('44');
    await expect(figure(page, 'Users', 'On Clerk').textContent()).resolves.toBe('8');
    await expect(figure(page, 'Users', 'Legacy \\(not yet on Clerk\\)').textContent()).resolves.toBe('36');
    await expect(figure(page, 'Users', 'Invited, not yet signed in').textContent()).resolves.toBe('0');
    await page.getByText('No legacy user has been reported invalid.').waitFor();
    await page.getByText('No run is in progress.').waitFor();
    await page.getByText('The migration lock is free.').waitFor();
    await page
      .getByRole('table', { name: /Legacy users by the format of their password hash/ })
      .getByRole('cell', { name: 'bcrypt' })
      .waitFor();
    await shot(page, 'sign-in-overview');

    // A dry run plans everyone left and writes nothing.
    await page.getByRole('link', { name: 'Actions' }).click();
    await page.getByRole('form', { name: 'Dry run' }).getByRole('button', { name: 'Plan (dry run)' }).click();
    await page.getByText('Planned 36 users; nothing was written to Clerk or to users.').waitFor();
    await expect(figure(page, 'Plan by action', 'create').textContent()).resolves.toBe('36');
    await shot(page, 'dry-run');

    // One user by email: the run's page shows it done.
    await page.getByRole('form', { name: 'Migrate one user' }).getByLabel('Email').fill('test@example.com');
    await page.getByRole('button', { name: 'Migrate this user' }).click();
    await page.getByRole('heading', { name: /^Run / }).waitFor();
    await page.locator('.badge.completed').first().waitFor();
    await page.getByRole('cell', { name: 'test@example.com' }).waitFor();
    await expect(page.getByRole('cell', { name: 'created', exact: true }).count()).resolves.toBe(1);

    // Everyone left, slowly enough (Clerk answers in 150 ms) to be watched while it runs; Clerk refuses one create with a 429.
    clerk.setFaults({ latencyMs: 150 });
    clerk.injectFault('rate_limit', 1, 'POST /v1/users', 1);
    await page.getByRole('link', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Start the run' }).click();
    await page.locator('.badge.running').first().waitFor();
    await page.locator('progress[aria-label$="users done"]').waitFor();
    await page.locator('.clerk-usage', { hasText: /Clerk: [1-9][\d,]* requests · [\d.]+\/s of the shared [\d,]+\/s/ }).waitFor();
    await shot(page, 'run-live');
    await page.locator('.badge.completed').first().waitFor({ timeout: 30_000 });
    clerk.setFaults({ latencyMs: 0 });
    // The run's own requests, as its heartbeat wrote them: the 429 and the retry it took.
    await page.locator('.clerk-usage', { hasText: '1 answered 429 · 1 retries' }).waitFor();
    const runId = (await page.getByRole('heading', { name: /^Run / }).locator('code').textContent())!;
    await expect(page.getByRole('table').locator('caption').textContent()).resolves.toBe('Users 1–35 of 35');
    await expect(figure(page, 'Run counts', 'Users').textContent()).resolves.toBe('35');
    // Who started it, as an operator knows them: by email.
    await page.getByText(`started by ${admin.email}`).waitFor();
    // Reasons in plain words, their code beside them.
    await expect(page.getByRole('cell', { name: 'imported with their bcrypt hash (bcrypt_digest)' }).count()).resolves.toBe(35);

    // Filtered by outcome and reason; the CLI's CSV report as a download.
    const filters = page.getByRole('form', { name: 'Filter the users' });
    await filters.getByLabel('Outcome').selectOption('failed');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No user of this run matches.').waitFor();
    await filters.getByLabel('Outcome').selectOption('created');
    await filters.getByLabel('Reason').fill('bcrypt_digest');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('table').locator('caption', { hasText: 'Users 1–35 of 35' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`run-${runId}-items.csv`);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toMatch(/^user_id,email,action,outcome,reason,/);
    expect(csv).toHaveLength(36);

    // Rollback: the preview's counts, then the run id typed before it acts.
    await page.getByRole('button', { name: 'Preview the rollback' }).click();
    await expect(figure(page, 'Rollback preview', 'Links cleared').textContent()).resolves.toBe('35');
    await expect(figure(page, 'Rollback preview', 'Signed in through Clerk since').textContent()).resolves.toBe('0');
    await expect(figure(page, 'Rollback preview', 'Kept \\(no password left\\)').textContent()).resolves.toBe('0');
    await expect(figure(page, 'Rollback preview', 'Invitations revoked').textContent()).resolves.toBe('0');
    await shot(page, 'rollback-preview');
    const rollBack = page.getByRole('button', { name: 'Roll back', exact: true });
    await expect(rollBack.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Type the run id to confirm').fill(runId.slice(0, 8));
    await expect(rollBack.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Type the run id to confirm').fill(runId);
    await rollBack.click();
    await page.getByText('Rolled back.').waitFor();
    await expect(figure(page, 'Rollback done', 'Links cleared').textContent()).resolves.toBe('35');

    // The figures follow: 8 + test@example.com on Clerk.
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect(figure(page, 'Users', 'On Clerk').textContent()).resolves.toBe('9');
    await expect(figure(page, 'Users', 'Legacy \\(not yet on Clerk\\)').textContent()).resolves.toBe('35');
    const { rows } = await world.db.pool.query('SELECT count(clerk_user_id)::int AS n FROM users');
    expect(rows[0].n).toBe(9);
    await page.getByRole('img', { name: /moved to Clerk: 36, rolled back: 35/ }).waitFor();
    await shot(page, 'overview-after');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(fitsWidth(page)).resolves.toBe(true);
    await shot(page, 'overview-390px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Sign-ins, Clerk's health, the audit log.
    await page.getByRole('link', { name: 'Sign-ins' }).click();
    await page.getByText('Legacy sign-ins: 100.0% succeeded (1 of 1).').waitFor();
    await shot(page, 'sign-ins');
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByText('Ready: the database answers and every schema migration is applied.').waitFor();
    // The one 429 the run met, in the process's own counts too.
    await expect(figure(page, 'Clerk requests', 'Refused with 429').textContent()).resolves.toBe('1');
    expect(Number((await figure(page, 'Clerk requests', 'Requests to Clerk').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(36);
    await shot(page, 'health');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('form', { name: 'Search the audit log' }).getByLabel('Email').fill('TEST@example.com');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: 'migration.user.created' }).waitFor();
    await expect(page.getByRole('table').locator('caption').textContent()).resolves.toMatch(/^Rows 1–\d of \d, newest first$/);
    await shot(page, 'audit');

    // The clean-up's own preview: nobody has signed in through Clerk yet, so no hash would go.
    await page.getByRole('link', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Preview the clean-up' }).click();
    await expect(figure(page, 'Clean-up', 'Hashes that would be removed').textContent()).resolves.toBe('0');
    await expect(figure(page, 'Clean-up', 'Not on Clerk \\(kept\\)').textContent()).resolves.toBe('35');
    await page.getByText('No hash to remove yet.').waitFor();

    expect(errors).toEqual([]);
  });

  it('says who holds the migration lock, and since when, when an action is refused', async () => {
    const { page, errors } = await newPage();
    const admin = world.users.find((user) => user.role === 'admin')!;
    await signIn(page, admin.email, admin.password!);
    await figure(page, 'Users', 'Users').waitFor();
    // Two users, each Clerk answer taking 3 s: long enough to try a second run while it holds the lock.
    clerk.setFaults({ latencyMs: 3000 });
    try {
      await page.getByRole('link', { name: 'Actions' }).click();
      await page.getByRole('form', { name: 'Start a run' }).getByLabel('At most this many users').fill('2');
      await page.getByRole('button', { name: 'Start the run' }).click();
      await page.locator('.badge.running').first().waitFor();
      await page.getByRole('link', { name: 'Actions' }).click();
      await page.getByRole('button', { name: 'Start the run' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'holds the migration lock' });
      await refusal.waitFor();
      const text = (await refusal.textContent())!;
      expect(text).toMatch(
        /^Not now: Another migration run, rollback or clean-up holds the migration lock \(migration run \(all\), since .+\); wait/,
      );
      // The holder's time in the browser's own zone, not the server's ISO string.
      expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/);
      await shot(page, 'refused-409');
      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByText(/^The migration lock is held by migration run \(all\), since [^Z]+\.$/).waitFor();
    } finally {
      clerk.setFaults({ latencyMs: 0 });
    }
    // The run's page follows it to its end (bounded), so that no run outlives the test.
    await page
      .locator('.badge.running')
      .first()
      .waitFor({ state: 'detached', timeout: 30_000 })
      .catch(() => undefined);
    await page.goto(`${base}/console`);
    await expect(waitForNoRunningRun(world)).resolves.toBe(true);
    // The browser itself logs the refused request (409) as a failed resource; the page logs nothing.
    expect(errors.filter((error) => !error.includes('status of 409'))).toEqual([]);
  });

  it('refuses a non-admin: 403 and nothing of the console, by the sign-in form or by a Clerk session', async () => {
    const { page, errors } = await newPage();
    const person = world.legacy.find((user) => user.role === 'user' && user.email !== 'test@example.com')!;
    await signIn(page, person.email, person.password!);
    await page.getByRole('heading', { name: '403 Forbidden' }).waitFor();
    await expect(page.locator('nav').count()).resolves.toBe(0);
    expect(errors).toEqual([]);

    const { page: clerkPage, context } = await newPage();
    const clerkUser = world.users.find((user) => user.clerkUserId !== null)!;
    const token = clerk.mintSessionToken({ sub: clerkUser.clerkUserId! });
    await context.addCookies([{ name: '__session', value: token, url: base }]);
    const response = await clerkPage.goto(`${base}/console`);
    expect(response?.status()).toBe(403);
    await expect(clerkPage.locator('script').count()).resolves.toBe(0);
    await expect(clerkPage.getByRole('heading').textContent()).resolves.toBe('403 Forbidden');
  });

  it('opens from the dev link, its token taken out of the address bar, and is driven by keyboard', async () => {
    const admin = world.users.find((user) => user.role === 'admin')!;
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const { page, errors } = await newPage();
    await page.goto(`${base}/console#token=${accessToken}`);
    await figure(page, 'Users', 'Users').waitFor();
    expect(page.url()).toBe(`${base}/console#/overview`);
    // By keyboard: Tab reaches the navigation, Enter follows it.
    const focused = () => page.evaluate('document.activeElement && document.activeElement.textContent') as Promise<string>;
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('clerk-migrate');
    for (const label of ['Overview', 'Runs']) {
      await page.keyboard.press('Tab');
      await expect(focused()).resolves.toBe(label);
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Runs', exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it("opens for an admin's Clerk session cookie, under a CSP with nothing inline", async () => {
    const clerkUser = world.users.find((user) => user.clerkUserId !== null)!;
    await world.db.pool.query(`UPDATE users SET role = 'admin' WHERE user_id = $1`, [clerkUser.userId]);
    const { page, errors, context } = await newPage();
    await context.addCookies([{ name: '__session', value: clerk.mintSessionToken({ sub: clerkUser.clerkUserId! }), url: base }]);
    const response = await page.goto(`${base}/console`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    await expect(figure(page, 'Users', 'Users').textContent()).resolves.toBe('44');
    expect(errors).toEqual([]);
  });
});
