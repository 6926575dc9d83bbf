import { createHash, randomBytes } from 'node:crypto';
import { aClient } from '../../support/builders';
import { formFields, hiddenField } from '../../support/oauth-flow';
import { startServer, ServerProcess } from '../../support/server-process';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { startThrowawayPostgres, ThrowawayPostgres } from '../../support/throwaway-postgres';

const ISSUER = 'https://tessera.test';
const DEMO = { username: 'demo', password: 'tessera-local-password' };

/** fetch without redirects, with one cookie jar: a browser whose every request may land on either instance. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read field by field
type Json = Record<string, any>;
class Agent {
  private readonly cookies = new Map<string, string>();
  async send(server: ServerProcess, path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: () => Json }> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${server.url}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }
  form(server: ServerProcess, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.send(server, path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/**
 * docs/operations.md §10: no state that matters lives in one process. Two server processes on one PostgreSQL, every
 * step sent to the other instance than the step before — as a round-robin load balancer would.
 */
describe('docs/operations.md §10 two instances on one PostgreSQL: registration, management and the authorization-code flow, alternating instances', () => {
  let cluster: ThrowawayPostgres | undefined;
  let database: TestDatabase | undefined;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    let url: string;
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      url = database.env.DATABASE_URL;
    } else {
      cluster = await startThrowawayPostgres(); // PGlite is one process only: bring a PostgreSQL
      url = cluster.url;
    }
    const env = { DATABASE_URL: url, ISSUER, LOGIN_BCRYPT_COST: '10', RATE_LIMIT_ENABLED: 'false' };
    // Both start at once on an empty database, both with migrations on: the advisory lock lets one
    // migrate while the other waits, as in a rolling deploy (docs/operations.md §10).
    [a, b] = await Promise.all([startServer({ ...env, LOGIN_DEMO_USER: 'true' }), startServer(env)]);
  }, 120_000);
  afterAll(async () => {
    for (const server of [a, b]) {
      if (server && server.child.exitCode === null) {
        server.kill('SIGTERM');
        await server.exited;
      }
    }
    await database?.drop();
    await cluster?.destroy();
  });

  it('RFC 7591 → RFC 7592 → RFC 6749 §4.1 + RFC 7636, each step on the other instance', async () => {
    const agent = new Agent();
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

    // RFC 7591 §3.1 on A
    const registered = await agent.send(a, '/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(aClient({ grant_types: ['authorization_code', 'refresh_token'] })),
    });
    expect(registered.status).toBe(201);
    const client = registered.json();
    let token: string = client.registration_access_token;
    // RFC 7592 §2.1 read on B (the hash key and the rows are shared through the database)
    const read = await agent.send(b, `/register/${client.client_id}`, { headers: bearer(token) });
    expect(read.status).toBe(200);
    token = read.json().registration_access_token ?? token;
    // RFC 7592 §2.2 update on A
    const updated = await agent.send(a, `/register/${client.client_id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ ...aClient({ grant_types: ['authorization_code', 'refresh_token'] }), client_id: client.client_id, client_secret: client.client_secret, client_name: 'renamed on A' }),
    });
    expect(updated.status).toBe(200);
    expect(updated.json().client_name).toBe('renamed on A');
    token = updated.json().registration_access_token ?? token;

    // RFC 6749 §4.1.1 on B: no session → login page
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: client.redirect_uris[0],
      scope: 'openid profile',
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const authorize = await agent.send(b, `/authorize?${query}`);
    expect(authorize.status).toBe(303);
    // The login page from A, submitted to B (CSRF state and sessions are in the database or the cookie)
    const loginPage = await agent.send(a, authorize.headers.get('location')!);
    expect(loginPage.status).toBe(200);
    const login = await agent.form(b, '/login', {
      csrf_token: hiddenField(loginPage.text, 'csrf_token'),
      return_to: hiddenField(loginPage.text, 'return_to'),
      ...DEMO,
    });
    expect(login.status).toBe(303);
    // Consent page from A, decision to B
    const consent = await agent.send(a, login.headers.get('location')!);
    expect(consent.status).toBe(200);
    const decision = await agent.form(b, '/authorize/decision', { ...formFields(consent.text, '/authorize/decision'), decision: 'allow' });
    expect(decision.status).toBe(303);
    const callback = new URL(decision.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe('xyz');
    const code = callback.searchParams.get('code')!;

    // RFC 6749 §4.1.3 on A, with the code issued by B
    const basic = { Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` };
    const exchanged = await agent.form(a, '/token', { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris[0], code_verifier: verifier }, basic);
    expect(exchanged.status).toBe(200);
    const tokens = exchanged.json();
    // The access token signed by A is accepted by B (signing keys are shared)
    const userinfo = await agent.send(b, '/userinfo', { headers: bearer(tokens.access_token) });
    expect(userinfo.status).toBe(200);
    // RFC 6749 §6 refresh on A; the code replayed on B is refused (RFC 6749 §4.1.2: used once)
    const refreshed = await agent.form(a, '/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basic);
    expect(refreshed.status).toBe(200);
    const replay = await agent.form(b, '/token', { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris[0], code_verifier: verifier }, basic);
    expect(replay.status).toBe(400);
    expect(replay.json().error).toBe('invalid_grant');

    // RFC 7592 §2.3 delete on B; A no longer knows the client either
    const deleted = await agent.send(b, `/register/${client.client_id}`, { method: 'DELETE', headers: bearer(token) });
    expect(deleted.status).toBe(204);
    const gone = await agent.send(a, `/register/${client.client_id}`, { headers: bearer(token) });
    expect(gone.status).toBe(401);
  });
});
