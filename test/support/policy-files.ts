import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const directories: string[] = [];

// Removed once the test file is done: the app may read a policy (or its jwks_file) until it closes.
afterAll(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** Writes a registration policy (or JWK Set) file into a fresh temporary directory and returns its path. */
export function writeTempFile(name: string, content: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'tessera-policy-'));
  directories.push(directory);
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}
