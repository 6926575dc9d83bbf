import { freePort } from './free-port';
import { createTestApp, TestApp } from './test-app';

export interface ListeningTestApp extends TestApp {
  /** http://127.0.0.1:<port>, also the ISSUER, so discovery documents are true for real clients. */
  baseUrl: string;
}

/** The test app listening on a real loopback port, for clients that discover and fetch (openid-client, a browser). */
export async function createListeningTestApp(env: Record<string, string> = {}): Promise<ListeningTestApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await createTestApp({ ISSUER: baseUrl, ...env });
  await app.app.listen(port, '127.0.0.1');
  return Object.assign(app, { baseUrl });
}
