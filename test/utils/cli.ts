import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository root: Jest runs from it. */
const ROOT = process.cwd();
export const CLI_PATH = resolve(ROOT, 'dist/src/cli.js');

export interface CliResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, or undefined when it is not one JSON document. */
  json: any;
}

/** Set by the global set-up once it has compiled `dist/`. */
export const DIST_BUILT_ENV = 'CLERK_MIGRATE_TEST_DIST_BUILT';

/**
 * Compiles `dist/` (the service) and `dist-tools/` (demo, emulator, benchmarks) when a source is
 * newer than them, as `npm run cli` and `npm run demo` do. The global set-up calls it once per Jest
 * run, before any worker starts, so that parallel test files never compile into the same directory at once.
 */
export async function buildDist(): Promise<void> {
  const args = ['scripts/build.js', '--if-stale', 'service', 'tools'];
  const built = promisify(execFile)(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  await built.catch((error: { stderr?: string; message: string }) => {
    throw new Error(`building dist/ failed: ${error.stderr || error.message}`);
  });
}

/** For tests that run compiled code: fails clearly if the global set-up did not build it. */
export async function buildOnce(): Promise<void> {
  if (process.env[DIST_BUILT_ENV] !== '1')
    throw new Error('dist/ was not built: run the tests through jest, whose global set-up builds it');
}

/**
 * The environment a CLI process gets: only what the test gives it, on top of PATH and HOME, so that
 * the developer's own DATABASE_URL or Clerk key never leaks into a test.
 */
export function cliEnvironment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
  return Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, value]) => value !== undefined));
}

export interface StartOptions {
  /** In a process group of its own, as a shell runs a command: a test may then signal the whole group (Ctrl-C). */
  detached?: boolean;
}

export interface CliOptions extends StartOptions {
  /** As `npm run -s cli <args>` (the args given to npm as they are, no `--`), rather than `node dist/src/cli.js`. */
  throughNpm?: boolean;
  /** With a terminal for stdout and stderr (`script` gives it a pty); what it wrote there, as one stream, is in `stdout`. */
  atTerminal?: boolean;
}

/** Starts `node <script> <args>` from the repository root with only `env` (plus PATH and HOME), its output piped. */
export function startNode(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  options: StartOptions = {},
): ChildProcess {
  return spawnPiped(process.execPath, [script, ...args], env, options);
}

/** Starts `node dist/src/cli.js <args>` as a real process; for tests that signal or kill it mid-run. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}, options: CliOptions = {}): ChildProcess {
  if (options.atTerminal) return spawnPiped('script', ['-qec', [process.execPath, CLI_PATH, ...args].join(' '), '/dev/null'], env, options);
  return options.throughNpm ? spawnPiped('npm', ['run', '-s', 'cli', ...args], env, options) : startNode(CLI_PATH, args, env, options);
}

/** Runs the CLI to its end and collects what it printed. Rejects only if it outlives `timeoutMs`. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: CliOptions & { timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = startCli(args, env, options);
  return collect(child, args, options.timeoutMs ?? 60_000);
}

function spawnPiped(command: string, args: string[], env: Record<string, string | undefined>, options: StartOptions): ChildProcess {
  return spawn(command, args, { cwd: ROOT, env: cliEnvironment(env), detached: options.detached, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess, args: string[], timeoutMs: number): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`clerk-migrate ${args.join(' ')} did not exit within ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, json: parseJson(stdout) });
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
