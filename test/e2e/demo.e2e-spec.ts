import { afterAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { SERVER_URL_ENV, withServerClient } from '../setup/test-server.js';
import { buildOnce, collect, startNode, type CliResult } from '../utils/cli.js';
import { expectTheDemoStory } from '../utils/demo.js';

const DEMO = resolve(process.cwd(), 'dist-tools/tools/demo/demo.js');
const DEMO_DATABASE = `clerk_migrate_test_demo_${process.pid}`;

function runDemo(env: Record<string, string>): Promise<CliResult> {
  return collect(startNode(DEMO, [], env), ['demo'], 240_000);
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
      expectTheDemoStory(stdout);
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
