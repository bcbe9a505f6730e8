import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildOnce, cliEnvironment } from '../utils/cli.js';
import { eventually } from '../utils/eventually.js';

/** What a person sees of the long-running npm scripts: `kill <npm's pid>` stops what npm started. */
describe('npm run clerk:emulator', () => {
  it('stops with npm: a SIGTERM to npm leaves no emulator behind', async () => {
    await buildOnce();
    const npm = spawn('npm', ['run', '-s', 'clerk:emulator', '--', '--port', '0'], {
      env: cliEnvironment({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const listening = /listening on (http:\S+)/;
    const said = await eventually(
      async () => out,
      (printed) => listening.test(printed),
      {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the emulator to say where it listens',
      },
    );
    const url = listening.exec(said)![1];
    expect((await fetch(`${url}/v1/jwks`)).status).toBe(401);

    npm.kill('SIGTERM');
    // Bounded: an npm that cannot stop its script must fail the test, not hang it.
    await Promise.race([once(npm, 'exit'), sleep(10_000)]);
    const answers = () =>
      fetch(`${url}/v1/jwks`).then(
        () => true,
        () => false,
      );
    expect(await eventually(answers, (answering) => !answering, { timeoutMs: 10_000, intervalMs: 100 })).toBe(false);
  }, 90_000);
});
