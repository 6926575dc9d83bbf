import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { aUser, authorizePath, authorizeThroughPages, Browser, formFields, pkcePair } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TEST_ISSUER, TestApp } from '../../support/test-app';
import { registerWithToken, trustPolicyEnv } from '../../support/trusted-clients';

describe('RFC 6749 §4.1.1 Authorization Request', () => {
  let app: TestApp;
  let client: RegisteredClient;
  const { challenge } = pkcePair();
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', ...trustPolicyEnv() })));
  beforeEach(async () => {
    await app.resetDatabase();
    // Admitted by an initial access token under a policy the operator marked trusted (RFC 9700 §4.11.2)
    client = await registerWithToken(app, { redirect_uris: ['https://app.example.com/callback', 'https://app.example.com/cb?tenant=1'] });
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
      const narrow = await registerWithToken(app, { scope: 'openid' });
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

  describe('RFC 9700 §4.11.2: the authorization server is no open redirector for clients nobody vouched for', () => {
    const phish = 'https://evil.example/phish';
    let anonymous: RegisteredClient;
    beforeEach(async () => (anonymous = await app.registerClient({ redirect_uris: [phish] })));

    const expectPageWithLinkOn = async (res: { status: number; headers: Record<string, string>; text: string }, error: string) => {
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(`<code>${error}</code>`);
      // the user may go on by choice: a link to the error response, never an automatic redirect
      const href = /<a href="([^"]+)"[^>]*>Continue to evil\.example<\/a>/.exec(res.text);
      expect(href).not.toBeNull();
      const link = new URL(href![1].replace(/&amp;/g, '&'));
      expect(`${link.origin}${link.pathname}`).toBe(phish);
      expect(link.searchParams.get('error')).toBe(error);
      expect(link.searchParams.get('iss')).toBe(TEST_ISSUER);
    };

    it('RFC 9700 §4.11.2: an erroneous request of a self-registered client, no user signed in, shows the page on the issuer', async () => {
      const res = await app.http.get(`/authorize?client_id=${anonymous.client_id}&response_type=x`);
      await expectPageWithLinkOn(res, 'unsupported_response_type');
    });

    it('RFC 9700 §4.11.2: a silent request (prompt=none) of a self-registered client does not redirect login_required', async () => {
      const res = await app.http.get(authorizePath({ client: anonymous, challenge, extra: { prompt: 'none' } }));
      await expectPageWithLinkOn(res, 'login_required');
    });

    it('RFC 9700 §4.11.2: a signed-in user who never allowed the client is not redirected either (attack 1 on a logged-in victim)', async () => {
      await aUser(app, 'alice');
      const browser = new Browser(app);
      const start = await browser.get(authorizePath({ client: anonymous, challenge }));
      await browser.login(start.headers.location, 'alice');
      const res = await browser.get(`/authorize?client_id=${anonymous.client_id}&response_type=x&state=s`);
      await expectPageWithLinkOn(res, 'unsupported_response_type');
    });

    it('RFC 9700 §4.11.2: declining an unverified client shows a page with the way on, not a redirect (attack 2)', async () => {
      await aUser(app, 'alice');
      const browser = new Browser(app);
      const start = await browser.get(authorizePath({ client: anonymous, challenge }));
      const login = await browser.login(start.headers.location, 'alice');
      const consent = await browser.get(login.headers.location);
      const res = await browser.post('/authorize/decision', { ...formFields(consent.text, '/authorize/decision'), decision: 'deny' });
      await expectPageWithLinkOn(res, 'access_denied');
    });

    it('RFC 9700 §4.11.2: once the user has allowed the client, its errors redirect as RFC 6749 §4.1.2.1 says', async () => {
      await aUser(app, 'alice');
      const browser = new Browser(app);
      await authorizeThroughPages(browser, { client: anonymous, challenge }, 'alice');
      const res = await browser.get(`/authorize?client_id=${anonymous.client_id}&response_type=x&state=s`);
      expect(res.status).toBe(303);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('unsupported_response_type');
    });

    it('RFC 9700 §4.11.2: trust is off by default — a client admitted by a token of a policy without "trusted" gets the page', async () => {
      const out: string[] = [];
      const code = await runCli(['iat:mint', '--label', 'Reviewed', '--policy', 'reviewed', '--json'], app.config, { out: (line) => out.push(line), err: () => undefined });
      expect(code).toBe(0);
      const reviewed = await registerWithToken(app, { redirect_uris: [phish] }, JSON.parse(out.pop()!).initial_access_token);
      const res = await app.http.get(`/authorize?client_id=${reviewed.client_id}&response_type=x`);
      await expectPageWithLinkOn(res, 'unsupported_response_type');
    });

    it('RFC 9700 §4.11.2: an anonymous registration stays untrusted even when its policy says "trusted"', async () => {
      const [row] = await app.dataSource.query('SELECT registration_policy, admitted_by FROM clients WHERE client_id = $1', [anonymous.client_id]);
      expect(row).toEqual({ registration_policy: 'anonymous', admitted_by: 'anonymous' });
      await expectPageWithLinkOn(await app.http.get(`/authorize?client_id=${anonymous.client_id}&response_type=x`), 'unsupported_response_type');
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
