import { Writable } from 'node:stream';
import { aClient } from '../../support/builders';
import { aUser, basicAuth, Browser, PASSWORD } from '../../support/oauth-flow';
import { aCode, exchangeCode, tokenRequest } from '../../support/token-helpers';
import { createTestApp, TestApp } from '../../support/test-app';

/** Captures every log line the app writes (at trace, the most talkative level). */
function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  return { stream, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('docs/operations.md §2 logging: one line per request, request ids, redaction', () => {
  let app: TestApp;
  const logs = logCapture();
  beforeAll(async () => (app = await createTestApp({ LOG_LEVEL: 'trace', LOGIN_BCRYPT_COST: '10' }, { logStream: logs.stream })));
  afterAll(() => app.close());

  it('a full registration + management flow: not one issued secret appears anywhere in the logs', async () => {
    const issued: string[] = [];
    const cookie = 'session=cookie-secret-value-0123456789';
    const registered = await app.http.post('/register').set('Cookie', cookie).send(aClient({ client_name: 'logged' }));
    expect(registered.status).toBe(201);
    issued.push(registered.body.client_secret, registered.body.registration_access_token);
    const id = registered.body.client_id as string;

    const read = await app.http.get(`/register/${id}`).auth(registered.body.registration_access_token, { type: 'bearer' });
    expect(read.status).toBe(200);
    const updated = await app.http
      .put(`/register/${id}`)
      .auth(registered.body.registration_access_token, { type: 'bearer' })
      .send({ client_id: id, client_secret: registered.body.client_secret, redirect_uris: registered.body.redirect_uris });
    expect(updated.status).toBe(200);
    if (updated.body.registration_access_token) issued.push(updated.body.registration_access_token);
    const token = updated.body.registration_access_token ?? registered.body.registration_access_token;
    // A failing request with secrets in the body and a wrong bearer token.
    const rejected = await app.http
      .put(`/register/${id}`)
      .auth(token, { type: 'bearer' })
      .send({ client_id: id, client_secret: 'wrong-secret-value-abcdef', redirect_uris: ['not a uri'], password: 'hunter2-password' });
    expect(rejected.status).toBe(400);
    const deleted = await app.http.delete(`/register/${id}`).auth(token, { type: 'bearer' });
    expect(deleted.status).toBe(204);

    const output = logs.lines.join('\n');
    for (const secret of [...issued, 'cookie-secret-value-0123456789', 'wrong-secret-value-abcdef', 'hunter2-password']) {
      expect(secret.length).toBeGreaterThan(8);
      expect(output).not.toContain(secret);
    }
    // …and the lines are there: registration and management are logged, with the client id.
    const lines = logs.records().filter((record) => record.msg === 'request completed');
    expect(lines.map((line) => `${line.method} ${line.route} ${line.status}`)).toEqual(
      expect.arrayContaining([
        'POST /register 201',
        'GET /register/:clientId 200',
        'PUT /register/:clientId 200',
        'PUT /register/:clientId 400',
        'DELETE /register/:clientId 204',
      ]),
    );
    const management = lines.filter((line) => line.route === '/register/:clientId');
    expect(management.every((line) => line.client_id === id)).toBe(true);
    expect(lines.find((line) => line.method === 'POST' && line.route === '/register' && line.status === 201)).toMatchObject({ client_id: id });
    // The route pattern, never the raw URL with the id in it.
    expect(lines.some((line) => String(line.route).includes(id))).toBe(false);
  });

  it('RFC 6749 §4.1 authorization-code flow (login, consent, code, PKCE, tokens, refresh, revoke): no code, token, password, cookie or verifier in the logs', async () => {
    const client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    await aUser(app, 'logan');
    const browser = new Browser(app);
    const failed = await browser.login('/login', 'logan', 'not-the-password-xyz');
    expect(failed.status).toBe(401);
    const { code, verifier } = await aCode(app, browser, client, 'logan', { nonce: 'nonce-value-1' });
    const token = await exchangeCode(app, client, { code, verifier });
    expect(token.status).toBe(200);
    const refreshed = await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: token.body.refresh_token });
    expect(refreshed.status).toBe(200);
    const revoked = await app.http.post('/revoke').set('Authorization', basicAuth(client)).type('form').send({ token: refreshed.body.refresh_token });
    expect(revoked.status).toBe(200);

    const secrets = [
      client.client_secret!,
      client.registration_access_token,
      PASSWORD,
      'not-the-password-xyz',
      code,
      verifier,
      token.body.access_token,
      token.body.refresh_token,
      token.body.id_token,
      refreshed.body.access_token,
      refreshed.body.refresh_token,
      ...browser.jar.header().split('; ').map((pair) => pair.slice(pair.indexOf('=') + 1)),
    ];
    const output = logs.lines.join('\n');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(output).not.toContain(secret);
    }
    const lines = logs.records().filter((record) => record.msg === 'request completed');
    expect(lines.map((line) => `${line.method} ${line.route} ${line.status}`)).toEqual(
      expect.arrayContaining(['GET /authorize 303', 'POST /login 303', 'POST /token 200', 'POST /revoke 200']),
    );
    expect(lines.filter((line) => line.route === '/token').every((line) => line.client_id === client.client_id)).toBe(true);
    // …and the metrics saw the same flow
    const metrics = (await app.http.get('/metrics')).text;
    expect(metrics).toMatch(/tessera_tokens_issued_total\{grant_type="authorization_code"\} 1/);
    expect(metrics).toMatch(/tessera_tokens_issued_total\{grant_type="refresh_token"\} 1/);
    expect(metrics).toMatch(/tessera_login_failures_total\{reason="invalid_credentials"\} 1/);
  });

  it('each request gets exactly one line with reqId, method, route, status and latency', async () => {
    const before = logs.records().length;
    const res = await app.http.get('/.well-known/oauth-authorization-server');
    const lines = logs
      .records()
      .slice(before)
      .filter((record) => record.msg === 'request completed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      reqId: res.headers['x-request-id'],
      method: 'GET',
      route: '/.well-known/oauth-authorization-server',
      status: 200,
      latency_ms: expect.any(Number),
    });
  });

  it('X-Request-Id: a well-formed one is used and echoed; a malformed one is replaced by a generated id', async () => {
    const given = await app.http.get('/health/live').set('X-Request-Id', 'lb-7f3a.42');
    expect(given.headers['x-request-id']).toBe('lb-7f3a.42');
    const forged = await app.http.get('/health/live').set('X-Request-Id', `x" {"level":60} ${'a'.repeat(200)}`);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await app.http.get('/health/live');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('log lines written by services during a request carry its reqId', async () => {
    const res = await app.http.post('/register').set('X-Request-Id', 'trace-me-123').send(aClient());
    expect(res.status).toBe(201);
    const registeredLine = logs.records().find((record) => record.msg === 'client registered' && record.reqId === 'trace-me-123');
    expect(registeredLine).toMatchObject({ context: 'ClientsService', client_id: res.body.client_id });
  });

  it('an unexpected error is logged once with its stack at the server and never sent to the client', async () => {
    const before = logs.lines.length;
    await app.dataSource.query('ALTER TABLE clients RENAME TO clients_away');
    try {
      const res = await app.http.post('/register').send(aClient({ client_name: 'PARAMETER-client-name' }));
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
      expect(res.text).not.toMatch(/clients|at \w+ \(|\.ts:/);
      const errors = logs.records().slice(before).filter((record) => record.level === 50);
      expect(errors).toHaveLength(1);
      expect(JSON.stringify(errors[0])).toMatch(/"stack":/);
      // The failed statement and PostgreSQL's code (42P01 undefined_table), never its parameters:
      // the new client's metadata, secret hash and address (error-serializer.ts).
      expect(errors[0].err).toMatchObject({ type: 'QueryFailedError', code: '42P01', query: expect.stringContaining('clients') });
      expect(errors[0].err).not.toHaveProperty('parameters');
      expect(JSON.stringify(errors[0])).not.toContain('PARAMETER-client-name');
    } finally {
      await app.dataSource.query('ALTER TABLE clients_away RENAME TO clients');
    }
  });
});
