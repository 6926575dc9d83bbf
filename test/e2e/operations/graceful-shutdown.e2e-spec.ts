import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { aClient } from '../../support/builders';
import { startServer, ServerProcess } from '../../support/server-process';
import { createTestDatabase, TestDatabase } from '../../support/test-database';

/** A POST whose body is held back until `release()`: in flight, deterministically, for as long as we like. */
function heldRequest(url: string, path: string, body: string) {
  const { hostname, port } = new URL(url);
  const payload = Buffer.from(body);
  let resolveHeaders!: () => void;
  let release!: () => void;
  const headersSeen = new Promise<void>((resolve) => (resolveHeaders = resolve));
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        hostname,
        port,
        path,
        method: 'POST',
        // The server answers "100 Continue" once it has parsed the headers: from then on the request is its own.
        headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length, Expect: '100-continue' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('continue', resolveHeaders);
    req.on('error', reject);
    release = () => req.end(payload);
  });
  return { headersSeen, response, release: () => release() };
}

describe('docs/operations.md §7 graceful shutdown: SIGTERM finishes in-flight requests and background jobs, then exits 0', () => {
  let database: TestDatabase;
  let dataDir: string | undefined;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    if (database.env.PGLITE_DATA_DIR) {
      // On disk, so this test can read what the server wrote after the server has gone.
      dataDir = mkdtempSync(join(tmpdir(), 'tessera-shutdown-'));
      env = { PGLITE_DATA_DIR: join(dataDir, 'db') };
    } else {
      env = database.env;
    }
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.kill('SIGKILL');
    await database.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a registration in flight when SIGTERM arrives completes with 201, its audit record is written, the listener closes, exit code 0', async () => {
    server = await startServer({ ...env, SHUTDOWN_GRACE_SECONDS: '20' });
    const held = heldRequest(server.url, '/register', JSON.stringify(aClient({ client_name: 'in flight' })));
    await held.headersSeen;

    server.kill('SIGTERM');
    await server.waitForLine(/shutting down/);
    // No new request is served: refused, reset or answered 503 depending on how far the close has got…
    const refused = await fetch(`${server.url}/health/live`).then(
      (res) => `status ${res.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    expect(['ECONNREFUSED', 'ECONNRESET', 'status 503']).toContain(refused);
    // …but the request already in flight is served to the end.
    held.release();
    const response = await held.response;
    expect(response.status).toBe(201);
    const registered = JSON.parse(response.body) as { client_id: string; client_secret: string };
    expect(registered.client_secret).toEqual(expect.any(String));

    await expect(server.exited).resolves.toBe(0);
    expect(server.lines.some((line) => line.includes('shutdown complete'))).toBe(true);

    // What the request committed, and its audit record queued on the pool, are in the database.
    const dataSource = await new DataSource(dataSourceOptions(loadConfig({ ...env, DATABASE_MIGRATIONS_RUN: 'false' }))).initialize();
    try {
      const clients = await dataSource.query('SELECT client_id FROM clients WHERE client_id = $1', [registered.client_id]);
      expect(clients).toHaveLength(1);
      const audit = await dataSource.query('SELECT event FROM audit_events WHERE client_id = $1', [registered.client_id]);
      expect(audit).toEqual([{ event: 'client.registered' }]);
    } finally {
      await dataSource.destroy();
    }
  });
});
