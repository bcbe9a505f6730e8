import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, run as an operator would run it. */
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

const inFlight = new Set<ChildProcess>();
let stoppedBy: NodeJS.Signals | undefined;

/**
 * The demo was asked to stop: the CLI process in flight gets the signal too (a Ctrl-C on the
 * terminal already reached it; a `kill` did not), finishes its users and records its run; no
 * further command starts.
 */
export function stopCli(signal: NodeJS.Signals): void {
  stoppedBy ??= signal;
  for (const child of inFlight) child.kill(signal);
}

export interface CliRun {
  code: number;
  json: any;
  stderr: string;
}

/** Runs `clerk-migrate <args> --json` in a child process and parses its one JSON document. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  if (stoppedBy) return Promise.reject(new Error(`stopped by ${stoppedBy}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    inFlight.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // Logs of the CLI process go where the demo's own would, when asked for.
      if (env.LOG_LEVEL !== 'warn') process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      inFlight.delete(child);
      if (stoppedBy) return reject(new Error(`stopped by ${stoppedBy}`));
      try {
        resolve({ code: code ?? 1, json: JSON.parse(stdout), stderr });
      } catch {
        reject(new Error(`clerk-migrate ${args.join(' ')} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}
