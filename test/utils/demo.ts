import { expect } from '@jest/globals';

/** What `npm run demo` prints when its story held, wherever it ran: the counts before and after, and the newcomer's sign-up. */
export function expectTheDemoStory(stdout: string): void {
  expect(stdout).toMatch(/before\s+44\s+8\s+36\s+36/);
  expect(stdout).toMatch(/after\s+44\s+44\s+0\s+36/);
  expect(stdout).toContain('Everything held');
  // After the move: a person who signs up at Clerk gets a user of their own, and Clerk's webhooks reach the API.
  expect(stdout).toMatch(
    /✓ nora\.newcomer@example\.com \(a Clerk sign-up, never a legacy user\) got 200 from \/users\/me with a new user_id/,
  );
  expect(stdout).toContain('✓ their users row exists, linked to their Clerk account, with password_hash NULL');
  expect(stdout).toContain('✓ their row followed Clerk: "Nora Newman"');
}
