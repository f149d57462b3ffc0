// One process per spool directory: a LOCK file holding the owner's pid, put
// in place atomically (a hard link, which fails when LOCK exists). A lock
// whose pid no longer runs is stale (its owner was killed) and is taken
// over; a live owner is a StorageError naming the directory.

import { link, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../errors/storage-error.js';

export const LOCK_FILE_NAME = 'LOCK';
const CANDIDATE_FILE = /^LOCK\.(\d+)\.\d+$/;

export interface SpoolLock {
  release(): Promise<void>;
}

export async function acquireSpoolLock(directory: string, label = 'ingest'): Promise<SpoolLock & { tookOverFromPid: number | undefined }> {
  const lockPath = path.join(directory, LOCK_FILE_NAME);
  const candidate = path.join(directory, `${LOCK_FILE_NAME}.${process.pid}.${Date.now()}`);
  await writeSynced(candidate, `${process.pid}\n`);
  let tookOverFromPid: number | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      // Written in full under a private name, then linked into place: link
      // fails if LOCK exists, and a LOCK never exists without its pid.
      await link(candidate, lockPath);
      await unlink(candidate).catch(() => undefined);
      await removeCandidatesOfDeadProcesses(directory);
      return { tookOverFromPid, release: () => unlink(lockPath).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        await unlink(candidate).catch(() => undefined);
        throw new StorageError(`cannot lock the ${label} spool directory ${directory}: ${(error as Error).message}`, { cause: error });
      }
    }
    const owner = await readLockOwner(lockPath);
    if (owner !== undefined && isRunning(owner)) {
      await unlink(candidate).catch(() => undefined);
      const who = owner === process.pid ? 'another StorageEngine of this process' : `process ${owner}`;
      throw new StorageError(
        `the ${label} spool directory ${directory} is in use by ${who} (${lockPath}); two processes must not share a spool directory`,
      );
    }
    // Stale: its owner died (or it holds no pid at all). Take it over.
    tookOverFromPid = owner;
    await unlink(lockPath).catch(() => undefined);
  }
  await unlink(candidate).catch(() => undefined);
  throw new StorageError(`cannot lock the ${label} spool directory ${directory}: ${lockPath} keeps reappearing`);
}

async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Private lock files of processes killed between writing and linking them. */
async function removeCandidatesOfDeadProcesses(directory: string): Promise<void> {
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    const pid = CANDIDATE_FILE.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) await unlink(path.join(directory, name)).catch(() => undefined);
  }
}

async function readLockOwner(lockPath: string): Promise<number | undefined> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
