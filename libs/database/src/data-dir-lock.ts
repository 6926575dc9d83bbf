import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

const claimed = new Set<string>();

/**
 * PGlite is an in-process database: two processes opening one data directory would corrupt it.
 * The first process claims the directory with a lock file beside it; another process (a second
 * server, or the CLI while the server runs) is refused with a message saying what to do.
 * A lock left by a process that no longer runs is taken over.
 */
export function claimDataDir(dataDir: string): void {
  const lockFile = `${dataDir.replace(/\/+$/, '')}.lock`;
  if (claimed.has(lockFile)) return;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      claimed.add(lockFile);
      process.once('exit', () => rmSync(lockFile, { force: true }));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${owner}. PGlite serves one process at a time: ` +
            'stop that process first, or run every process on PostgreSQL (DATABASE_URL).',
        );
      }
      rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
