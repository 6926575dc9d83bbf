import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDataDir } from './data-dir-lock';

describe('embedded database directory lock', () => {
  const dir = () => join(mkdtempSync(join(tmpdir(), 'tessera-lock-')), 'pglite');

  it('claims a free directory with this process id', () => {
    const dataDir = dir();
    claimDataDir(dataDir);
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid));
    expect(() => claimDataDir(dataDir)).not.toThrow(); // the same process may open it again
  });

  it('refuses a directory held by another running process, naming it', () => {
    const dataDir = dir();
    writeFileSync(`${dataDir}.lock`, String(process.ppid));
    expect(() => claimDataDir(dataDir)).toThrow(new RegExp(`in use by process ${process.ppid}`));
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const dataDir = dir();
    writeFileSync(`${dataDir}.lock`, '2147483646');
    claimDataDir(dataDir);
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid));
  });
});
