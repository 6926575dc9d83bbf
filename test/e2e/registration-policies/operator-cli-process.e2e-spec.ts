import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { createTestApp, TestApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
// A dozen child processes, each compiling through SWC and booting Nest: generous on a loaded machine.
const CHILD_PROCESS_TEST_TIMEOUT_MS = 300_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * docs/operations.md §14: `npm run cli -- <command>` as an operator runs it — a separate process on the same
 * database as the server. The process runs cli.ts from TypeScript through SWC (as the server-process
 * tests do), so no build is needed.
 */
describe('docs/operations.md §14: the operator CLI as a child process against a real database', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let pgliteDir: string | undefined;

  const cli = (...argv: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'apps/oauth-server/src/cli.ts'), ...argv],
        { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ISSUER: 'https://tessera.test', ...env }, timeout: 120000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  /** The server on the same database, only while needed: an embedded database has one process at a time. */
  async function withServer<T>(use: (app: TestApp) => Promise<T>): Promise<T> {
    const app = await createTestApp({ ...env, RATE_LIMIT_ENABLED: 'false' });
    try {
      return await use(app);
    } finally {
      await app.app.close(); // not app.close(): that would drop the PostgreSQL database the CLI uses next
      // The embedded database is closed now; the directory lock is otherwise held until this (Jest)
      // process exits, which would refuse the CLI child by design (libs/database/src/data-dir-lock.ts).
      if (pgliteDir) rmSync(`${pgliteDir}.lock`, { force: true });
    }
  }

  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      env = database.env;
    } else {
      pgliteDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
      env = { PGLITE_DATA_DIR: pgliteDir };
    }
  });
  afterAll(async () => {
    await database?.drop();
    if (pgliteDir) for (const path of [pgliteDir, `${pgliteDir}.lock`]) rmSync(path, { recursive: true, force: true });
  });

  it('mints a token, registers with it over HTTP, then lists, shows, rotates, locks and deletes the client — exit codes and --json', async () => {
    const minted = await cli('iat:mint', '--label', 'partner', '--max-registrations', '2', '--json');
    expect(minted).toMatchObject({ code: 0, stderr: expect.not.stringMatching(/error/i) });
    const token = JSON.parse(minted.stdout);
    expect(token).toMatchObject({ policy: 'default', remaining: 2, initial_access_token: expect.any(String) });

    const reg = await withServer(async (app) => {
      const res = await app.http.post('/register').auth(token.initial_access_token, { type: 'bearer' }).send({ redirect_uris: ['https://p.example/cb'], client_name: 'Partner App' });
      expect(res.status).toBe(201);
      return res.body as { client_id: string; client_secret: string; registration_access_token: string };
    });

    const list = await cli('iat:list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${token.id}  partner  policy=default  remaining=1/2`));
    expect(list.stdout).not.toContain(token.initial_access_token);

    const clients = await cli('clients:list', '--json');
    expect(clients.code).toBe(0);
    expect(JSON.parse(clients.stdout)).toEqual([expect.objectContaining({ client_id: reg.client_id, client_name: 'Partner App' })]);

    const shown = await cli('clients:show', reg.client_id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`initial_access_token_id: ${token.id}`);
    expect(shown.stdout).not.toContain(reg.client_secret);

    const rotated = await cli('clients:rotate-secret', reg.client_id, '--json');
    expect(rotated.code).toBe(0);
    const { client_secret: newSecret } = JSON.parse(rotated.stdout);
    expect((await cli('clients:lock', reg.client_id, '--mode', 'read-only')).code).toBe(0);

    await withServer(async (app) => {
      // The registration access token survived the rotation and the lock: RFC 7592 read answers 200.
      expect((await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' })).status).toBe(200);
      const stored = await app.dataSource.query('SELECT secret_hash FROM clients');
      expect(JSON.stringify(stored)).not.toContain(newSecret);
    });

    const audit = await cli('audit', '--client', reg.client_id, '--json');
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout).map((e: { event: string }) => e.event)).toEqual(
      expect.arrayContaining(['client.registered', 'client.secret_rotated', 'client.self_service_changed']),
    );
    expect(audit.stdout).not.toContain(newSecret);

    expect((await cli('iat:revoke', token.id)).code).toBe(0);
    expect(await cli('clients:delete', reg.client_id)).toMatchObject({ code: 0, stdout: `Client ${reg.client_id} deleted\n` });
    expect(await cli('clients:show', reg.client_id)).toMatchObject({ code: 1, stderr: expect.stringContaining(`No client with client_id ${reg.client_id}`) });
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('bad arguments: a clear message on stderr and a non-zero exit', async () => {
    // One line saying what is wrong, then the usage; never a log line or a stack trace.
    expect(await cli('clients:rotate-secret')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'clients:rotate-secret: missing <client_id>\nUsage: npm run cli -- clients:rotate-secret <client_id> [--grace-seconds <n>] [--json]\n',
    });
    expect(await cli('iat:mint', '--label', 'x', '--max-registrations', 'lots')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^iat:mint: --max-registrations must be a whole number from 1 to 1000000, not "lots"\nUsage: npm run cli -- iat:mint/),
    });
    expect(await cli('clients:nuke')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Unknown command: clients:nuke\./) });
    expect(await cli('clients:lst')).toMatchObject({ code: 2, stderr: expect.stringContaining('Did you mean clients:list?') });
    const help = await cli('help');
    expect(help.code).toBe(0);
    for (const command of ['clients:list', 'clients:show', 'clients:delete', 'clients:rotate-secret', 'iat:mint', 'iat:list', 'iat:revoke', 'audit']) {
      expect(help.stdout).toContain(command);
    }
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);
});
