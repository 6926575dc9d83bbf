import { aUser, authorizePath, authorizeThroughPages, Browser, formFields, hiddenField, pkcePair } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TEST_ISSUER, TestApp } from '../../support/test-app';
import { exchangeCode } from '../../support/token-helpers';
import { registerWithToken, trustPolicyEnv } from '../../support/trusted-clients';

describe('Login, sessions and consent (OIDC Core §3.1.2.3–3.1.2.4)', () => {
  let app: TestApp;
  let client: RegisteredClient;
  let browser: Browser;
  const { challenge, verifier } = pkcePair();
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', LOGIN_THROTTLE_MAX_FAILURES: '3', ...trustPolicyEnv() })));
  beforeEach(async () => {
    await app.resetDatabase();
    // A client the operator vouched for (RFC 9700 §4.11.2), so its errors redirect; see "consent page" for self-registered ones
    client = await registerWithToken(app, {
      client_name: 'Photo <Printer>',
      logo_uri: 'https://app.example.com/logo.png',
      policy_uri: 'https://app.example.com/privacy',
      tos_uri: 'https://app.example.com/tos',
      client_uri: 'https://app.example.com/',
    });
    await aUser(app, 'alice');
    browser = new Browser(app);
  });
  afterAll(() => app.close());

  describe('login page', () => {
    it('is plain HTML with labelled fields and a CSRF token, never cached', async () => {
      const page = await browser.get('/login');
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toMatch(/<label for="username">/);
      expect(page.text).toMatch(/<label for="password">/);
      expect(page.text).not.toMatch(/<script/);
      expect(hiddenField(page.text, 'csrf_token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('a wrong password and an unknown user get the same generic message, no session', async () => {
      const wrong = await browser.login('/login', 'alice', 'not the password at all');
      const unknown = await browser.login('/login', 'mallory', 'not the password at all');
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.text).toContain('The username or password is incorrect.');
      }
      expect(browser.jar.get('tessera_session')).toBeUndefined();
    });

    it('CSRF: a login form without the token is refused', async () => {
      await browser.get('/login');
      const res = await browser.post('/login', { username: 'alice', password: 'correct horse battery staple', return_to: '/account' });
      expect(res.status).toBe(403);
      expect(browser.jar.get('tessera_session')).toBeUndefined();
    });

    it('throttles guessing per username and address, across the whole deployment (stored in the database)', async () => {
      for (let i = 0; i < 3; i += 1) expect((await browser.login('/login', 'alice', `wrong password ${i}`)).status).toBe(401);
      const locked = await browser.login('/login', 'alice');
      expect(locked.status).toBe(429);
      expect(locked.text).toContain('Too many failed attempts');
      // Two keys, both HMACs: username + address counted all 4 attempts (each taken before its
      // password check); the username alone only the 3 that reached the password check.
      const rows = await app.dataSource.query('SELECT key_hash, failures FROM login_throttle ORDER BY failures');
      expect(rows.map((row: { failures: number }) => row.failures)).toEqual([3, 4]);
      for (const row of rows) expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('a new session id after login (no fixation) and logout ends the session', async () => {
      browser.jar.set('__Host-tessera_session', 'planted-by-attacker-xxxxxxxxxxxxxxxxxxxxxxxxxxx');
      const login = await browser.login('/login', 'alice');
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/account');
      const id = browser.jar.get('tessera_session');
      expect(id).not.toBe('planted-by-attacker-xxxxxxxxxxxxxxxxxxxxxxxxxxx');
      // stored only as a hash
      const rows = await app.dataSource.query('SELECT id_hash FROM sessions');
      expect(rows).toHaveLength(1);
      expect(rows[0].id_hash).not.toBe(id);

      const account = await browser.get('/account');
      expect(account.status).toBe(200);
      const logout = await browser.post('/logout', { csrf_token: hiddenField(account.text, 'csrf_token') });
      expect(logout.status).toBe(200);
      expect(await app.dataSource.query('SELECT id_hash FROM sessions')).toHaveLength(0);
      browser.jar.set('__Host-tessera_session', id!);
      expect((await browser.get('/account')).status).toBe(303);
    });

    it('an idle session expires', async () => {
      await browser.login('/login', 'alice');
      await app.dataSource.query(`UPDATE sessions SET last_seen_at = now() - interval '2 hours'`);
      expect((await browser.get('/account')).headers.location).toMatch(/^\/login/);
    });

    it('return_to cannot send the browser to another site', async () => {
      const page = await browser.get(`/login?return_to=${encodeURIComponent('https://evil.example.com/')}`);
      expect(hiddenField(page.text, 'return_to')).toBe('/account');
    });
  });

  describe('consent', () => {
    it('names the client, its links and each scope; the client name is escaped', async () => {
      const start = await browser.get(authorizePath({ client, challenge }));
      const login = await browser.login(start.headers.location, 'alice');
      const page = await browser.get(login.headers.location);
      expect(page.text).toContain('Photo &lt;Printer&gt;');
      expect(page.text).not.toContain('Photo <Printer>');
      for (const text of ['https://app.example.com/logo.png', 'https://app.example.com/privacy', 'https://app.example.com/tos', 'See your username', 'See your email address'])
        expect(page.text).toContain(text);
      expect(page.headers['x-frame-options']).toBe('DENY');
      // An https issuer: the logo may come from any https origin, never over plain http (mixed content).
      expect(page.headers['content-security-policy']).toContain('img-src https:;');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    const consentPageOf = async (params: Parameters<typeof authorizePath>[0]) => {
      const start = await browser.get(authorizePath(params));
      const login = await browser.login(start.headers.location, 'alice');
      const page = await browser.get(login.headers.location);
      expect(page.status).toBe(200);
      return page.text;
    };

    it('RFC 9700 §4.11.2: a self-registered client is marked unverified and the page names the host the answer goes to', async () => {
      const impostor = await app.registerClient({ client_name: 'Google', redirect_uris: ['https://evil.example/phish'] });
      const page = await consentPageOf({ client: impostor, challenge });
      expect(page).toContain('Unverified application');
      expect(page).toContain('you will be sent to <strong>evil.example</strong>');
    });

    it('RFC 9700 §4.11.2: a client of a trusted policy, admitted by an initial access token, is not marked unverified', async () => {
      const page = await consentPageOf({ client, challenge });
      expect(page).not.toContain('Unverified application');
      expect(page).toContain('you will be sent to <strong>app.example.com</strong>');
    });

    it('RFC 6749 §3.1.2.3: the host shown is that of the redirect URI used by this request, in punycode, escaped', async () => {
      const several = await app.registerClient({
        client_name: '"><img src=x onerror=alert(1)>',
        redirect_uris: ['https://app.example.com/callback', 'https://xn--gogle-jye.example:8443/cb'],
      });
      const page = await consentPageOf({ client: several, challenge, redirectUri: 'https://xn--gogle-jye.example:8443/cb' });
      expect(page).toContain('you will be sent to <strong>xn--gogle-jye.example:8443</strong>');
      expect(page).not.toContain('<strong>app.example.com</strong>');
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    });

    it('RFC 6749 §4.1.2.1: Deny → access_denied with state and iss', async () => {
      const start = await browser.get(authorizePath({ client, challenge }));
      const login = await browser.login(start.headers.location, 'alice');
      const page = await browser.get(login.headers.location);
      const res = await browser.post('/authorize/decision', { ...formFields(page.text, '/authorize/decision'), decision: 'deny' });
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe('state-123');
      expect(location.searchParams.get('iss')).toBe(TEST_ISSUER);
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('CSRF: a decision without the token shows an error page and never redirects', async () => {
      const start = await browser.get(authorizePath({ client, challenge }));
      const login = await browser.login(start.headers.location, 'alice');
      const page = await browser.get(login.headers.location);
      const { csrf_token: _token, ...fields } = formFields(page.text, '/authorize/decision');
      const res = await browser.post('/authorize/decision', { ...fields, decision: 'allow' });
      expect(res.status).toBe(403);
      expect(res.headers.location).toBeUndefined();
    });

    it('a remembered grant skips the page for the same or fewer scopes; more scopes ask again', async () => {
      await authorizeThroughPages(browser, { client, challenge, scope: 'openid profile' }, 'alice');
      const same = await browser.get(authorizePath({ client, challenge, scope: 'openid profile' }));
      expect(same.status).toBe(303);
      expect(new URL(same.headers.location).searchParams.get('code')).toEqual(expect.any(String));
      const fewer = await browser.get(authorizePath({ client, challenge, scope: 'openid' }));
      expect(new URL(fewer.headers.location).searchParams.get('code')).toEqual(expect.any(String));
      const more = await browser.get(authorizePath({ client, challenge, scope: 'openid profile email' }));
      expect(more.status).toBe(200);
      expect(more.text).toContain('See your email address');
    });

    it('the account page lists granted apps; revoking kills that client\'s tokens for the user', async () => {
      const callback = await authorizeThroughPages(browser, { client, challenge }, 'alice');
      const tokens = await exchangeCode(app, client, { code: callback.searchParams.get('code')!, verifier });
      expect(tokens.status).toBe(200);
      const account = await browser.get('/account');
      expect(account.text).toContain('Photo &lt;Printer&gt;');
      const revoke = await browser.post('/account/apps/revoke', formFields(account.text, '/account/apps/revoke'));
      expect(revoke.status).toBe(303);
      expect((await app.http.get('/userinfo').set('Authorization', `Bearer ${tokens.body.access_token}`)).status).toBe(401);
      const refresh = await app.dataSource.query('SELECT count(*)::int AS n FROM refresh_tokens');
      expect(refresh[0].n).toBe(0);
      // and consent is asked again
      expect((await browser.get(authorizePath({ client, challenge }))).status).toBe(200);
    });

    it('docs/operations.md §6: showing a client on the account page is not a use (the never-used sweeper still sees it); an authorization request is', async () => {
      await authorizeThroughPages(browser, { client, challenge }, 'alice');
      const lastUsed = async () => (await app.dataSource.query('SELECT last_used_at FROM clients WHERE client_id = $1', [client.client_id]))[0].last_used_at;
      await app.dataSource.query('UPDATE clients SET last_used_at = NULL WHERE client_id = $1', [client.client_id]);
      const account = await browser.get('/account');
      expect(account.text).toContain('Photo &lt;Printer&gt;');
      expect(await lastUsed()).toBeNull();
      await browser.get(authorizePath({ client, challenge }));
      expect(await lastUsed()).not.toBeNull();
    });
  });

  describe('OIDC Core §3.1.2.1 prompt and max_age', () => {
    it('prompt=none without a session → login_required', async () => {
      const res = await browser.get(authorizePath({ client, challenge, extra: { prompt: 'none' } }));
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('login_required');
    });

    it('prompt=none with a session but no consent → consent_required; with consent → a code', async () => {
      await browser.login('/login', 'alice');
      const res = await browser.get(authorizePath({ client, challenge, extra: { prompt: 'none' } }));
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('consent_required');
      await authorizeThroughPages(browser, { client, challenge }, 'alice');
      const silent = await browser.get(authorizePath({ client, challenge, extra: { prompt: 'none' } }));
      expect(new URL(silent.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('prompt=login asks for the password again, once', async () => {
      await authorizeThroughPages(browser, { client, challenge }, 'alice');
      const res = await browser.get(authorizePath({ client, challenge, extra: { prompt: 'login' } }));
      expect(res.headers.location).toMatch(/^\/login/);
      const login = await browser.login(res.headers.location, 'alice');
      expect(login.headers.location).not.toContain('prompt');
      const back = await browser.get(login.headers.location);
      expect(new URL(back.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('prompt=consent shows the page even with a remembered grant', async () => {
      await authorizeThroughPages(browser, { client, challenge }, 'alice');
      const res = await browser.get(authorizePath({ client, challenge, extra: { prompt: 'consent' } }));
      expect(res.status).toBe(200);
      expect(res.text).toContain('action="/authorize/decision"');
    });

    it('max_age: an older login asks again; the ID token carries auth_time', async () => {
      await authorizeThroughPages(browser, { client, challenge }, 'alice');
      await app.dataSource.query(`UPDATE sessions SET auth_time = now() - interval '10 minutes'`);
      const res = await browser.get(authorizePath({ client, challenge, extra: { max_age: '60' } }));
      expect(res.headers.location).toMatch(/^\/login/);
      const fresh = await browser.get(authorizePath({ client, challenge, extra: { max_age: '3600' } }));
      expect(new URL(fresh.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('prompt=none combined with another value is invalid_request', async () => {
      const res = await browser.get(authorizePath({ client, challenge, extra: { prompt: 'none login' } }));
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
    });
  });
});
