import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes a registration policy (or JWK Set) file into a fresh temporary directory and returns its path. */
export function writeTempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tessera-policy-')), name);
  writeFileSync(path, content);
  return path;
}
