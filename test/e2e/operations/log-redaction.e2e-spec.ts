import { Writable } from 'node:stream';
import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';

/** Every line the running app writes, at debug: the level that logs each request's headers and body. */
function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  return { stream, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/**
 * RFC 6749 §10.3, §10.5, RFC 7591 §5, RFC 7636 §7.1: codes, tokens, verifiers, client credentials and
 * passwords must not leak. Each request below makes the app write a "request received" line
 * carrying a secret field in its headers or body; with the redaction of libs/logging switched off,
 * every one of them would be in the log.
 */
describe('RFC 6749 §10.3 / §10.5: secrets never reach the logs of the running app (LOG_LEVEL=debug)', () => {
  let app: TestApp;
  const logs = logCapture();
  beforeAll(async () => (app = await createTestApp({ LOG_LEVEL: 'debug', LOGIN_BCRYPT_COST: '10' }, { logStream: logs.stream })));
  afterAll(() => app.close());

  it('client_secret, registration_access_token, code, code_verifier, refresh_token, password, client_assertion, Authorization and Cookie are redacted in every line', async () => {
    const client = await app.registerClient(aClient({ grant_types: ['authorization_code', 'refresh_token'] }));
    const cookie = 'tessera_session=SECRET-cookie-session; tessera_csrf=SECRET-cookie-csrf';
    const sent: { name: string; send: () => PromiseLike<{ headers: Record<string, string> }> }[] = [
      {
        name: 'code, code_verifier, client_secret, Authorization, Cookie',
        send: () =>
          app.http
            .post('/token')
            .set('Authorization', basic(client.client_id, 'SECRET-basic-password'))
            .set('Cookie', cookie)
            .type('form')
            .send({ grant_type: 'authorization_code', code: 'SECRET-code', code_verifier: 'SECRET-verifier', client_secret: 'SECRET-client-secret', redirect_uri: client.redirect_uris[0] }),
      },
      {
        name: 'refresh_token, client_assertion',
        send: () =>
          app.http.post('/token').type('form').send({
            grant_type: 'refresh_token',
            refresh_token: 'SECRET-refresh-token',
            client_id: client.client_id,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: 'SECRET-client-assertion',
          }),
      },
      {
        name: 'password, csrf_token',
        send: () => app.http.post('/login').set('Cookie', cookie).type('form').send({ username: 'someone', password: 'SECRET-password', csrf_token: 'SECRET-csrf-field' }),
      },
      {
        name: 'registration_access_token (bearer and body), client_secret',
        send: () =>
          app.http
            .put(`/register/${client.client_id}`)
            .auth(client.registration_access_token, { type: 'bearer' })
            .send({ client_id: client.client_id, client_secret: client.client_secret, registration_access_token: 'SECRET-rat-in-body', redirect_uris: client.redirect_uris }),
      },
      { name: 'token (RFC 7009)', send: () => app.http.post('/revoke').set('Authorization', basic(client.client_id, client.client_secret!)).type('form').send({ token: 'SECRET-revoked-token' }) },
    ];
    const received: Record<string, unknown>[] = [];
    for (const request of sent) {
      const res = await request.send();
      const line = logs.records().find((record) => record.msg === 'request received' && record.reqId === res.headers['x-request-id']);
      expect([request.name, line]).toEqual([request.name, expect.objectContaining({ headers: expect.any(Object), body: expect.any(Object) })]);
      received.push(line!);
    }

    // The lines are there and name each field, with its value replaced.
    const [code, refresh, login, update, revoke] = received as { headers: Record<string, unknown>; body: Record<string, unknown> }[];
    expect(code.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(code.body).toMatchObject({ grant_type: 'authorization_code', code: '[redacted]', code_verifier: '[redacted]', client_secret: '[redacted]' });
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: '[redacted]', client_assertion: '[redacted]' });
    expect(login.body).toMatchObject({ username: 'someone', password: '[redacted]', csrf_token: '[redacted]' });
    expect(update.headers).toMatchObject({ authorization: '[redacted]' });
    expect(update.body).toMatchObject({ client_id: client.client_id, client_secret: '[redacted]', registration_access_token: '[redacted]' });
    expect(revoke.body).toMatchObject({ token: '[redacted]' });

    const output = logs.lines.join('\n');
    expect(output).not.toMatch(/SECRET-/);
    for (const secret of [client.client_secret!, client.registration_access_token]) expect(output).not.toContain(secret);
  });
});
