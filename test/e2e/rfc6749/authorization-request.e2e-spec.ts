import { aUser, authorizePath, authorizeThroughPages, Browser, pkcePair } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TEST_ISSUER, TestApp } from '../../support/test-app';

describe('RFC 6749 §4.1.1 Authorization Request', () => {
  let app: TestApp;
  let client: RegisteredClient;
  const { challenge } = pkcePair();
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(async () => {
    await app.resetDatabase();
    client = await app.registerClient({ redirect_uris: ['https://app.example.com/callback', 'https://app.example.com/cb?tenant=1'] });
  });
  afterAll(() => app.close());

  const registered = 'https://app.example.com/callback';

  describe('RFC 6749 §4.1.2.1: an unknown client or unregistered redirect URI shows an error page and never redirects', () => {
    it.each([
      ['a trailing slash', `${registered}/`],
      ['a different case', 'https://APP.example.com/callback'],
      ['a different path case', 'https://app.example.com/Callback'],
      ['an extra query', `${registered}?x=1`],
      ['a changed query', 'https://app.example.com/cb?tenant=2'],
      ['another host', 'https://evil.example.com/callback'],
      ['a fragment', `${registered}#x`],
      ['an explicit default port', 'https://app.example.com:443/callback'],
    ])('RFC 9700 §4.1.3 exact match: refuses %s', async (_name, redirectUri) => {
      const res = await app.http.get(authorizePath({ client, redirectUri, challenge }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('redirect_uri is not registered');
    });

    it('refuses an unknown client_id with a page', async () => {
      const res = await app.http.get(authorizePath({ client: { ...client, client_id: 'nope' }, challenge }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('client_id does not name a registered client');
    });

    it('refuses a missing redirect_uri when several are registered', async () => {
      const res = await app.http.get(`/authorize?response_type=code&client_id=${client.client_id}&code_challenge=${challenge}&code_challenge_method=S256`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });

    it('RFC 6749 §3.1: a repeated redirect_uri is refused without redirect', async () => {
      const res = await app.http.get(`${authorizePath({ client, challenge })}&redirect_uri=${encodeURIComponent(registered)}`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });

    it('escapes what it echoes: no markup injection through the error page', async () => {
      const res = await app.http.get(`/authorize?client_id=${encodeURIComponent('<script>x</script>')}`);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('<script>x');
    });
  });

  describe('RFC 6749 §4.1.2.1: other errors redirect with error, error_description, state and iss (RFC 9207)', () => {
    const expectRedirectError = async (path: string, error: string, base = registered) => {
      const res = await app.http.get(path);
      expect(res.status).toBe(303);
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe(base);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
      expect(location.searchParams.get('state')).toBe('state-123');
      expect(location.searchParams.get('iss')).toBe(TEST_ISSUER);
      return location;
    };

    it('unsupported_response_type for token', () =>
      expectRedirectError(authorizePath({ client, challenge, extra: { response_type: 'token' } }), 'unsupported_response_type'));

    it('invalid_request for a missing response_type', () =>
      expectRedirectError(authorizePath({ client, challenge }).replace('response_type=code&', ''), 'invalid_request'));

    it('RFC 6749 §3.3: invalid_scope for a scope the client did not register', async () => {
      const narrow = await app.registerClient({ scope: 'openid' });
      const res = await app.http.get(authorizePath({ client: narrow, challenge, scope: 'openid email' }));
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_scope');
    });

    it('RFC 6749 §4.1.2.1: error_description stays within its allowed characters even when it quotes the request', async () => {
      const location = await expectRedirectError(authorizePath({ client, challenge, extra: { prompt: 'é"\\x' } }), 'invalid_request');
      expect(location.searchParams.get('error_description')).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
    });

    it('OIDC Core §6: request objects are not supported', () =>
      expectRedirectError(authorizePath({ client, challenge, extra: { request: 'eyJ' } }), 'request_not_supported'));

    it('RFC 6749 §3.1.2: keeps the registered query and adds the parameters after it', async () => {
      const location = await expectRedirectError(
        authorizePath({ client, challenge, redirectUri: 'https://app.example.com/cb?tenant=1', extra: { response_type: 'token' } }),
        'unsupported_response_type',
        'https://app.example.com/cb',
      );
      expect(location.searchParams.get('tenant')).toBe('1');
    });
  });

  it('RFC 6749 §4.1.2: state is echoed unchanged, however it is encoded', async () => {
    await aUser(app, 'alice');
    const state = 'a b&c=d/é+%';
    const callback = await authorizeThroughPages(new Browser(app), { client, challenge, state }, 'alice');
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(TEST_ISSUER);
  });

  it('RFC 6749 §3.1.2.3: with one registered URI the redirect_uri may be omitted', async () => {
    const single = await app.registerClient();
    await aUser(app, 'alice');
    const browser = new Browser(app);
    const path = `/authorize?response_type=code&client_id=${single.client_id}&state=s&code_challenge=${challenge}&code_challenge_method=S256`;
    const start = await browser.get(path);
    const login = await browser.login(start.headers.location, 'alice');
    const consentPage = await browser.get(login.headers.location);
    expect(consentPage.status).toBe(200);
  });

  it('OIDC Core §3.1.2.1: POST to the authorization endpoint works like GET', async () => {
    const res = await app.http.post('/authorize').type('form').send({ response_type: 'code', client_id: client.client_id, redirect_uri: registered, state: 'state-123', code_challenge: challenge, code_challenge_method: 'S256' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?return_to=/);
  });
});
