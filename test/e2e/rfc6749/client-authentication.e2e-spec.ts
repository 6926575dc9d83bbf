import { basicAuth } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';

/**
 * RFC 6749 §2.3.1: a client authenticates with the Authorization header (client_secret_basic) or the
 * client_id and client_secret body parameters (client_secret_post) — nothing else. A form field that
 * happens to be named "authorization" is a parameter like any unknown one (ignored, RFC 6749 §3.2),
 * never a second Authorization header that could name another client.
 */
describe('RFC 6749 §2.3.1 Client Password: credentials only from the header or client_id/client_secret', () => {
  let app: TestApp;
  let victim: RegisteredClient;
  let attacker: RegisteredClient;
  const service = { grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' };
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(async () => {
    await app.resetDatabase();
    victim = await app.registerClient(service);
    attacker = await app.registerClient(service);
  });
  afterAll(() => app.close());

  const introspect = (as: RegisteredClient, token: string) =>
    app.http.post('/introspect').set('Authorization', basicAuth(as)).type('form').send({ token });

  it('RFC 6749 §2.3.1: at /token, a body field "authorization" does not override the Authorization header', async () => {
    const res = await app.http
      .post('/token')
      .set('Authorization', basicAuth(attacker))
      .type('form')
      .send({ grant_type: 'client_credentials', authorization: basicAuth(victim) });
    expect(res.status).toBe(200);
    // The token belongs to the client of the header, never to the one named in the body.
    expect((await introspect(attacker, res.body.access_token)).body).toMatchObject({ active: true, client_id: attacker.client_id });
    expect((await introspect(victim, res.body.access_token)).body).toEqual({ active: false });
  });

  it.each(['/token', '/revoke', '/introspect'])('RFC 6749 §2.3.1: at %s, a body field "authorization" alone authenticates nobody (401 invalid_client)', async (path) => {
    const res = await app.http
      .post(path)
      .type('form')
      .send({ grant_type: 'client_credentials', token: 'anything', authorization: basicAuth(victim) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it("RFC 6749 §2.3.1: at /introspect, the body field cannot borrow another client's identity to read its tokens", async () => {
    const issued = await app.http.post('/token').set('Authorization', basicAuth(victim)).type('form').send({ grant_type: 'client_credentials' });
    expect(issued.status).toBe(200);
    const res = await app.http
      .post('/introspect')
      .set('Authorization', basicAuth(attacker))
      .type('form')
      .send({ token: issued.body.access_token, authorization: basicAuth(victim) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
  });

  it("RFC 6749 §2.3.1: at /revoke, the body field cannot borrow another client's identity to revoke its tokens", async () => {
    const issued = await app.http.post('/token').set('Authorization', basicAuth(victim)).type('form').send({ grant_type: 'client_credentials' });
    await app.http
      .post('/revoke')
      .set('Authorization', basicAuth(attacker))
      .type('form')
      .send({ token: issued.body.access_token, authorization: basicAuth(victim) });
    expect((await introspect(victim, issued.body.access_token)).body).toMatchObject({ active: true, client_id: victim.client_id });
  });

  it('RFC 6749 §2.3: Basic in the header and client_secret in the body is more than one method → 400 invalid_request', async () => {
    const res = await app.http
      .post('/token')
      .set('Authorization', basicAuth(attacker))
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: attacker.client_id, client_secret: attacker.client_secret! });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});
