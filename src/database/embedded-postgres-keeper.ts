import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync } from 'node:fs';

/** What the keeper runs, as whom and where. Sent on its stdin, so that nothing of it shows in `ps`. */
export interface KeeperSpec {
  /** The working folder of the binaries: one the system user may enter (not the checkout). */
  cwd: string;
  uid?: number;
  gid?: number;
  env: Record<string, string>;
  /** Present when the cluster does not exist yet: initdb builds it in `into`, which is then renamed `dataDir`. */
  init?: { initdb: string; args: string[]; passwordFile: string; password: string; into: string; dataDir: string };
  postgres: string;
  args: string[];
}

export interface Keeper {
  /** Where this start's lines begin in the log: what came before belongs to earlier starts. */
  logOffset: number;
  /** Settles when the keeper is gone, with its exit code: the server stopped, or never started. */
  exited: Promise<number | null>;
  /** Stops PostgreSQL (fast shutdown: open transactions roll back) and waits for it to be gone. */
  stop(): Promise<void>;
}

/**
 * The keeper: a small Node process between us and PostgreSQL, in a session of its own. It runs
 * initdb (when needed) and the server, and stops the server as soon as its stdin closes, which
 * happens however our process ends, SIGKILL included. In its own session, a Ctrl-C on the terminal
 * reaches our process only, whose graceful shutdown then still has a database to record the run in
 * (the package's own start-up puts PostgreSQL in our process group and exits on the first signal).
 * It removes initdb's password file once initdb is done, whatever the outcome.
 */
const KEEPER_SCRIPT = String.raw`
'use strict';
process.title = 'clerk-migrate postgres keeper';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
let spec;
let child;
let stopping = false;
let input = '';
function stop() {
  if (stopping) return;
  stopping = true;
  if (!child) return process.exit(0);
  child.kill('SIGINT');
  setTimeout(() => child && child.kill('SIGQUIT'), 30000).unref();
}
function run(file, args) {
  return new Promise((done) => {
    const ids = spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid };
    child = spawn(file, args, { ...ids, cwd: spec.cwd, env: spec.env, stdio: ['ignore', 2, 2] });
    const settle = (code) => { child = undefined; done(code); };
    child.once('error', (error) => { process.stderr.write(file + ': ' + error.message + '\n'); settle(127); });
    child.once('exit', (code) => settle(code === null ? 1 : code));
  });
}
async function initialise(init) {
  fs.rmSync(init.into, { recursive: true, force: true });
  try {
    fs.writeFileSync(init.passwordFile, init.password + '\n', { mode: 0o600 });
    if (spec.uid !== undefined) fs.chownSync(init.passwordFile, spec.uid, spec.gid);
    const code = await run(init.initdb, init.args);
    if (code !== 0) throw new Error('initdb failed (exit code ' + code + ')');
  } finally {
    fs.rmSync(init.passwordFile, { force: true });
  }
  try {
    fs.renameSync(init.into, init.dataDir);
  } catch (error) {
    // Another process made the cluster at the same moment: use theirs.
    fs.rmSync(init.into, { recursive: true, force: true });
    if (!fs.existsSync(init.dataDir + '/PG_VERSION')) throw error;
  }
}
async function main() {
  if (spec.init) await initialise(spec.init);
  if (stopping) process.exit(0);
  process.exit(await run(spec.postgres, spec.args));
}
// Signals are for our process, which stops the server when it is done with it: a SIGTERM or SIGINT
// sent to a whole process group or service must not pull the database from under its shutdown.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (spec) return;
  input += chunk;
  const end = input.indexOf('\n');
  if (end < 0) return;
  spec = JSON.parse(input.slice(0, end));
  main().catch((error) => {
    process.stderr.write('keeper: ' + error.message + '\n');
    if (spec.init) fs.rmSync(spec.init.into, { recursive: true, force: true });
    process.exit(1);
  });
});
process.stdin.on('end', stop);
process.stdin.on('error', stop);
`;

/**
 * Starts the keeper; its stderr, and that of initdb and PostgreSQL, is appended to `logFile` (never
 * truncated: a server that another process started at the same moment may be writing to it).
 */
export function startKeeper(spec: KeeperSpec, logFile: string): Keeper {
  const log = openSync(logFile, 'a');
  try {
    const logOffset = fstatSync(log).size;
    const child = spawn(process.execPath, ['-e', KEEPER_SCRIPT], {
      cwd: spec.cwd,
      detached: true,
      // Nothing of ours (secrets, NODE_OPTIONS and its hooks): the keeper needs no environment.
      env: {},
      stdio: ['pipe', 'ignore', log],
    });
    const exited = new Promise<number | null>((done) => {
      child.once('exit', (code) => done(code));
      child.once('error', () => done(null));
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.write(`${JSON.stringify(spec)}\n`);
    // Neither the keeper nor the pipe keeps our process alive: when it ends, the pipe closes and the keeper stops the server.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return {
      logOffset,
      exited,
      stop: async () => {
        // Held again while it stops: a caller awaiting this must not see its process end first.
        child.ref();
        child.stdin!.end();
        await exited;
      },
    };
  } finally {
    closeSync(log);
  }
}
