import { aClient } from '../../support/builders';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';

describe('RFC 7592 §2.2 Client Update Request: hostile request bodies', () => {
  let app: TestApp;
  let reg: RegisteredClient;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_TOKEN_ROTATION: 'never' })));
  beforeEach(async () => {
    await app.resetDatabase();
    reg = await app.registerClient({ client_name: 'Photo Book' });
  });
  afterAll(() => app.close());

  const put = (body: string | object) =>
    app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(body);
  const update = (fields: Record<string, unknown>) =>
    put({ ...aClient(), client_id: reg.client_id, client_secret: reg.client_secret, ...fields });
  const expectUnchanged = async () => {
    const read = await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
    expect(read.body.client_name).toBe('Photo Book');
    expect(read.body.redirect_uris).toEqual(['https://app.example.com/callback']);
  };

  it('RFC 7592 §2.2 / RFC 7591 §3.2.2: JSON nested 30 000 levels deep → 400 invalid_client_metadata', async () => {
    const res = await put(`{"client_id":"${reg.client_id}","jwks":{"keys":${'['.repeat(30_000)}${']'.repeat(30_000)}}}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/nested deeper/) });
    await expectUnchanged();
  });

  it('RFC 7592 §2.2 / RFC 8259 §8.2: a lone surrogate in client_name → 400 invalid_client_metadata, not a 500', async () => {
    const res = await put(`{"client_id":"${reg.client_id}","client_secret":"${reg.client_secret}","redirect_uris":["https://app.example.com/callback"],"client_name":"\\udbff"}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^client_name: must be well-formed/) });
    await expectUnchanged();
  });

  it('RFC 7592 §2.2 / RFC 7591 §2: a client_name with bidi and zero-width characters → invalid_client_metadata', async () => {
    const res = await update({ client_name: 'Goog\u200ble \u202eelgooG' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^client_name: .*U\+200B$/) });
    await expectUnchanged();
  });

  it('RFC 7592 §2.2 / RFC 3986 §2: a redirect URI with U+2028 or non-ASCII → invalid_redirect_uri', async () => {
    for (const uri of ['https://app.example.com/callback\u2028', 'https://app.example.com/cällback']) {
      const res = await update({ redirect_uris: [uri] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_redirect_uri', error_description: expect.stringMatching(/must be ASCII/) });
    }
    await expectUnchanged();
  });

  it('RFC 7592 §2.2 / RFC 7591 §2: a tos_uri with non-ASCII and a nested jwks member → invalid_client_metadata', async () => {
    const tos = await update({ tos_uri: 'https://app.example.com/\u202etos' });
    expect(tos.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^tos_uri: must be ASCII/) });
    const jwks = await update({ jwks: { keys: [{ kty: 'RSA', n: ['x', ['y']] }] } });
    expect(jwks.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^jwks\.keys\[0\]\.n: /) });
    await expectUnchanged();
  });

  it('RFC 7592 §2.2: a clean update still succeeds and stores client_name in NFC', async () => {
    const res = await update({ client_name: 'Cafe\u0301' });
    expect(res.status).toBe(200);
    expect(res.body.client_name).toBe('Caf\u00e9');
  });
});
