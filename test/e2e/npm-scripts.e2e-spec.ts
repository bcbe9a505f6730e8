import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildOnce, cliEnvironment } from '../utils/cli.js';

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
    for (let waited = 0; !/listening on (http:\S+)/.test(out); waited += 100) {
      if (waited > 60_000) throw new Error(`the emulator never said where it listens: ${out}`);
      await sleep(100);
    }
    const url = /listening on (http:\S+)/.exec(out)![1];
    expect((await fetch(`${url}/v1/jwks`)).status).toBe(401);

    npm.kill('SIGTERM');
    // Bounded: an npm that cannot stop its script must fail the test, not hang it.
    await Promise.race([once(npm, 'exit'), sleep(10_000)]);
    let answering = true;
    for (let waited = 0; answering && waited < 10_000; waited += 100) {
      answering = await fetch(`${url}/v1/jwks`).then(
        () => true,
        () => false,
      );
      if (answering) await sleep(100);
    }
    expect(answering).toBe(false);
  }, 90_000);
});
