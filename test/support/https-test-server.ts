import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A name only the test's resolver knows (no system DNS answers it); the certificate is valid for it. */
export const TEST_HOST_NAME = 'jwks.tessera.test';

export interface TestResponse {
  /** Answer only after this many milliseconds. */
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface HttpsTestServer {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The self-signed certificate (its own CA), PEM, and a file holding it (FETCH_EXTRA_CA_FILE). */
  caPem: string;
  caFile: string;
  /** What a path answers; unknown paths answer 404. */
  routes: Map<string, TestResponse>;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A local HTTPS server for fetcher tests: a throwaway self-signed certificate for 127.0.0.1 made with
 * the openssl CLI (Node cannot issue X.509 certificates itself), trusted only by the test's fetcher.
 */
export async function startHttpsTestServer(): Promise<HttpsTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-https-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', `subjectAltName=IP:127.0.0.1,DNS:${TEST_HOST_NAME}`,
  ], { stdio: 'ignore' });
  const caPem = readFileSync(caFile, 'utf8');
  const routes = new Map<string, TestResponse>();
  const hits = new Map<string, number>();
  const server: Server = createServer({ key: readFileSync(keyFile), cert: caPem }, (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const answer = () => res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(route.body);
    if (route.delayMs) setTimeout(answer, route.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    caPem,
    caFile,
    routes,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
