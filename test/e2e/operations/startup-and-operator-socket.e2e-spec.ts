import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess, startServer } from '../../support/server-process';

const ROOT = join(__dirname, '..', '..', '..');
// Child processes compile through SWC and boot Nest: generous on a loaded machine.
const CHILD_PROCESS_TEST_TIMEOUT_MS = 240_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(entry: 'main' | 'cli', argv: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, `apps/oauth-server/src/${entry}.ts`), ...argv],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SWEEPER_INTERVAL_SECONDS: '0', ...env }, timeout: 180_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

/** docs/operations.md, "Start-up": a setting an operator can fix is one line on stderr and exit 1. */
describe('start-up failures name the setting and the reason, and exit 1', () => {
  it('an unreachable DATABASE_URL: the variable, user@host:port/database (never the password) and why', async () => {
    const result = await run('main', [], { DATABASE_URL: 'postgres://bob:s3cret@127.0.0.1:1/tessera', PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Cannot connect to the database in DATABASE_URL (bob@127.0.0.1:1/tessera): connection refused — is PostgreSQL running on that host and port?\n');
    expect(result.stdout).toBe('');
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('a port in use: says so before starting anything, no "successfully started", no stack', async () => {
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
    try {
      const result = await run('main', [], { PGLITE_DATA_DIR: 'memory://', HOST: '127.0.0.1', PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Cannot listen on 127.0.0.1:${port} (HOST, PORT): the port is already in use by another process — stop it or choose another PORT\n`);
      expect(result.stdout).not.toMatch(/successfully started/);
    } finally {
      taken.close();
    }
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);
});

/** docs/operations.md, "Operator commands while the server runs": the embedded database is served by the server. */
describe('operator commands while the server runs on the embedded database (PGlite)', () => {
  let dir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-socket-'));
    server = await startServer({ PGLITE_DATA_DIR: join(dir, 'db'), ISSUER: 'https://tessera.test', RATE_LIMIT_ENABLED: 'false' });
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);
  afterAll(async () => {
    if (server) {
      server.kill();
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('start-up: a few lines, no route mappings at info, and the last one says where to go', async () => {
    const listening = await server!.waitForLine(/Tessera listening/);
    expect(JSON.parse(listening)).toMatchObject({ url: 'https://tessera.test', docs: 'https://tessera.test/docs', operator_socket: join(dir, 'db.operator.sock') });
    expect(server!.lines.join('\n')).not.toMatch(/Mapped \{/);
    // The generated-key warnings come at start-up, not with the first request.
    expect(server!.lines.join('\n')).toMatch(/TOKEN_HASH_KEY is not set/);
    expect(server!.lines.length).toBeLessThan(12);
  });

  it('users:create from the CLI works while the server holds the database; the socket is private to its user', async () => {
    const env = { PGLITE_DATA_DIR: join(dir, 'db'), ISSUER: 'https://tessera.test' };
    expect(statSync(join(dir, 'db.operator.sock')).mode & 0o777).toBe(0o600);
    expect(await run('cli', ['users:create', 'carol', '--email', 'carol@example.com'], env, 'a long enough password\n')).toMatchObject({ code: 0, stdout: 'User carol created\n', stderr: '' });
    const listed = await run('cli', ['users:list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ username: 'carol', email: 'carol@example.com' })]);
    // The server kept serving while it ran the commands.
    expect((await fetch(`${server!.url}/health/live`)).status).toBe(200);
    expect(await run('cli', ['users:show', 'nobody'], env)).toMatchObject({ code: 1, stderr: 'No user with username or id nobody\n' });
    expect(await run('cli', ['users:list', '--limit', 'abc'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^users:list: --limit must be a whole number/) });
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);
});

