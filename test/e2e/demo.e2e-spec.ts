import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SERVER_URL_ENV, withServerClient } from '../setup/test-server.js';
import { buildOnce, cliEnvironment } from '../utils/cli.js';

const DEMO = resolve(process.cwd(), 'dist-tools/tools/demo/demo.js');
const DEMO_DATABASE = `clerk_migrate_test_demo_${process.pid}`;

function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [DEMO], { env: cliEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  const serverUrl = () => process.env[SERVER_URL_ENV]!;
  afterAll(async () => {
    await withServerClient(serverUrl(), (client) => client.query(`DROP DATABASE IF EXISTS ${DEMO_DATABASE} WITH (FORCE)`));
  });

  it('walks the seed’s steps, prints 44/8/36 before and 44/44/0 after, exits 0, and leaks no secret into its logs; twice', async () => {
    await buildOnce();
    for (let round = 0; round < 2; round += 1) {
      const { code, stdout, stderr } = await runDemo({ DATABASE_URL: serverUrl(), DEMO_DATABASE, LOG_LEVEL: 'info' });
      expect({ code, tail: stdout.slice(-300) }).toMatchObject({ code: 0 });
      expect(stdout).toMatch(/before\s+44\s+8\s+36\s+36/);
      expect(stdout).toMatch(/after\s+44\s+44\s+0\s+36/);
      expect(stdout).toContain('Everything held');
      // After the move: a person who signs up at Clerk gets a user of their own, and Clerk's webhooks reach the API.
      expect(stdout).toMatch(
        /✓ nora\.newcomer@example\.com \(a Clerk sign-up, never a legacy user\) got 200 from \/users\/me with a new user_id/,
      );
      expect(stdout).toContain('✓ their users row exists, linked to their Clerk account, with password_hash NULL');
      expect(stdout).toContain('✓ their row followed Clerk: "Nora Newman"');
      expect(stdout).not.toContain('✗');
      const everything = stdout + stderr;
      // Logs did run at info level, the app's as JSON and the CLI's on stderr: the scan below looked at something.
      expect(everything).toMatch(/"level":30/);
      expect(stderr).toMatch(/LOG.*dependencies initialized/);
      expect(everything).not.toMatch(/\$2[aby]\$\d\d\$/);
      expect(everything).not.toMatch(/old-password-/);
      expect(everything).not.toMatch(/sk_(test|live)_[A-Za-z0-9]{8,}/);
      expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    }
  }, 480_000);
});
