import { aUser, Browser, formFields, pkcePair } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { registerWithToken, trustPolicyEnv } from '../../support/trusted-clients';

describe('RFC 6749 §4.1.2.1 hostile input at the authorization endpoint: an error page, never a 500', () => {
  let app: TestApp;
  let trusted: RegisteredClient;
  const { challenge } = pkcePair();
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', ...trustPolicyEnv() })));
  beforeEach(async () => {
    await app.resetDatabase();
    // A client whose errors would be redirected: hostile input must not reach its Location header either
    trusted = await registerWithToken(app);
  });
  afterAll(() => app.close());

  const expectErrorPage = (res: { status: number; headers: Record<string, string>; text: string }) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('<code>invalid_request</code>');
  };

  it.each([
    ['NUL in client_id, bad percent-encoding and a bracketed parameter (as reported)', () => '/authorize?client_id=%00&redirect_uri=%ZZ&response_type[]=x'],
    ['NUL in client_id', () => '/authorize?client_id=%00&response_type=code'],
    ['a client_id outside VSCHAR (RFC 6749 Appendix A.1)', () => '/authorize?client_id=%C3%A9%E2%80%A8&response_type=code'],
    ['a huge client_id', () => `/authorize?client_id=${'x'.repeat(5000)}`],
    ['NUL in nonce of a known client', () => `/authorize?client_id=${trusted.client_id}&response_type=code&nonce=%00&state=s`],
    ['a huge scope of a known client', () => `/authorize?client_id=${trusted.client_id}&response_type=code&scope=${'a'.repeat(5000)}`],
  ])('GET with %s → 400 page', async (_name, path) => {
    expectErrorPage(await app.http.get(path()));
  });

  it('RFC 6749 §4.1.2.1: a lone surrogate in state (JSON body) → 400, not a 500 while percent-encoding the redirect', async () => {
    // The JSON body parser may refuse it first (then in JSON); authorize-request.spec.ts guards the endpoint's own check
    const res = await app.http
      .post('/authorize')
      .set('Content-Type', 'application/json')
      .send(`{"client_id":"${trusted.client_id}","response_type":"token","state":"\\ud800"}`);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('RFC 6749 §3.1: an object where a parameter belongs (JSON body) → 400 page', async () => {
    const res = await app.http.post('/authorize').send({ client_id: trusted.client_id, response_type: { code: true } });
    expectErrorPage(res);
  });

  describe('RFC 6749 §3.1.2: a stored redirect URI no Location header can carry (rows older than the registration check)', () => {
    const storeRedirectUri = (client: RegisteredClient, uri: string) =>
      app.dataSource.query(`UPDATE clients SET metadata = jsonb_set(metadata, '{redirect_uris}', $2::jsonb) WHERE client_id = $1`, [
        client.client_id,
        JSON.stringify([uri]),
      ]);

    // The consent page of a client with one registered URI (redirect_uri omitted, RFC 6749 §3.1.2.3)
    const consentForm = async (client: RegisteredClient): Promise<{ browser: Browser; fields: Record<string, string> }> => {
      await aUser(app, 'alice');
      const browser = new Browser(app);
      const path = `/authorize?response_type=code&client_id=${client.client_id}&state=s&code_challenge=${challenge}&code_challenge_method=S256`;
      const start = await browser.get(path);
      const login = await browser.login(start.headers.location, 'alice');
      const page = await browser.get(login.headers.location);
      expect(page.status).toBe(200);
      return { browser, fields: formFields(page.text, '/authorize/decision') };
    };

    it.each([
      ['U+2028', 'https://app.example.com/callback\u2028x'],
      ['U+2029', 'https://app.example.com/callback\u2029x'],
      ['a control character', 'https://app.example.com/callback\u0001'],
      ['a C1 control character', 'https://app.example.com/callback\u0085'],
    ])('/authorize/decision with %s in the registered URI → 400 page, no code issued', async (_name, uri) => {
      const client = await app.registerClient();
      const { browser, fields } = await consentForm(client);
      await storeRedirectUri(client, uri);
      const res = await browser.post('/authorize/decision', { ...fields, decision: 'allow' });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('the registered redirect_uri cannot be used');
      expect((await app.dataSource.query('SELECT count(*)::int AS n FROM authorization_codes'))[0].n).toBe(0);
    });

    it('RFC 6749 §4.1.2: non-ASCII in a stored URI is sent percent-encoded (WHATWG serialization), the Location stays ASCII', async () => {
      const client = await app.registerClient();
      const { browser, fields } = await consentForm(client);
      await storeRedirectUri(client, 'https://app.example.com/caf\u00e9?x=\u2603');
      const res = await browser.post('/authorize/decision', { ...fields, decision: 'allow' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^https:\/\/app\.example\.com\/caf%C3%A9\?x=%E2%98%83&code=[\x21-\x7e]+$/);
    });

    it('RFC 6749 §4.1.2.1: the same URI at GET /authorize → 400 page', async () => {
      const client = await app.registerClient();
      await storeRedirectUri(client, 'https://app.example.com/callback\u2028x');
      const res = await app.http.get(`/authorize?response_type=code&client_id=${client.client_id}&code_challenge=${challenge}&code_challenge_method=S256`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });
});
